package io.cohort.coordinator.aggregation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The per-parameter state of a server optimizer (FedAvgM's momentum, FedOpt's two moments): a few
 * float vectors of model size, created at the first round, and the number of rounds applied. A
 * stateless strategy (FedAvg) has no vectors and always saves as empty. It is
 * saved with each model version so that a restarted coordinator continues the same optimization.
 * Not thread-safe: the owning strategy synchronizes.
 *
 * <p>Saved layout, all little-endian:
 *
 * <pre>
 *   4 bytes   magic "CSOS" (Cohort server optimizer state)
 *   1 byte    format version (1)
 *   1 byte    n, length of the strategy name
 *   n bytes   strategy name, ASCII (e.g. "fedadam")
 *   8 bytes   int64 rounds applied so far
 *   4 bytes   int32 elements per vector
 *   1 byte    k, number of vectors
 *   k * elements * 4 bytes   the vectors, float32, one after the other
 * </pre>
 *
 * The name is stored so that one strategy's state is never silently read as another's (FedYogi and
 * FedAdam have the same two vectors but different meanings). Before the first round there is no
 * state and the saved form is empty, as {@link Strategy#saveState()} asks.
 */
final class ServerOptimizerState {

  static final int VERSION = 1;
  private static final byte[] MAGIC = {'C', 'S', 'O', 'S'};
  /** Rounds, elements and vector count: the header fields after the name. */
  private static final int COUNTS_BYTES = Long.BYTES + Integer.BYTES + 1;
  private static final int FIXED_HEADER_BYTES = MAGIC.length + 1 + 1 + COUNTS_BYTES;

  private final String strategy;
  private final float[] initialValues;
  private float[][] vectors;
  private long rounds;

  /**
   * @param strategy name of the owning strategy, written into the saved state
   * @param initialValues one value per vector: what each element of that vector starts at
   */
  ServerOptimizerState(String strategy, float... initialValues) {
    if (strategy.length() > 255) {
      throw new IllegalArgumentException("strategy name longer than 255 characters: " + strategy);
    }
    this.strategy = strategy;
    this.initialValues = initialValues.clone();
  }

  /**
   * The state vectors for a model of {@code elements} parameters, in the order of the initial
   * values; created on first use. The caller updates them in place and then calls {@link
   * #roundApplied()}.
   *
   * @throws IllegalArgumentException if the state (restored or from earlier rounds) is for a model
   *     of another size
   */
  float[][] vectors(int elements) {
    if (vectors == null) {
      vectors = new float[initialValues.length][elements];
      for (int k = 0; k < vectors.length; k++) {
        Arrays.fill(vectors[k], initialValues[k]);
      }
    }
    if (vectors.length > 0 && vectors[0].length != elements) {
      throw new IllegalArgumentException(strategy + " optimizer state has " + vectors[0].length
          + " elements but the model has " + elements);
    }
    return vectors;
  }

  /** Counts one more round applied. */
  void roundApplied() {
    rounds++;
  }

  /**
   * The saved form: empty before the first round or without vectors (a stateless strategy), else
   * the layout in the class comment.
   */
  byte[] save() {
    if (vectors == null || vectors.length == 0) {
      return new byte[0];
    }
    byte[] name = strategy.getBytes(StandardCharsets.US_ASCII);
    int elements = vectors[0].length;
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(
            FIXED_HEADER_BYTES + name.length + (long) vectors.length * elements * Float.BYTES))
        .order(ByteOrder.LITTLE_ENDIAN);
    buffer.put(MAGIC).put((byte) VERSION).put((byte) name.length).put(name);
    buffer.putLong(rounds).putInt(elements).put((byte) vectors.length);
    for (float[] vector : vectors) {
      buffer.asFloatBuffer().put(vector);
      buffer.position(buffer.position() + elements * Float.BYTES);
    }
    return buffer.array();
  }

  /**
   * Replaces this state with what {@link #save()} returned; empty bytes mean "before the first
   * round". Leaves this state unchanged when it throws.
   *
   * @throws IllegalArgumentException if the bytes are not a version-1 state of this strategy with
   *     this number of vectors, or their length does not match the header
   */
  void restore(byte[] saved) {
    if (saved.length == 0) {
      vectors = null;
      rounds = 0;
      return;
    }
    if (initialValues.length == 0) {
      throw new IllegalArgumentException("cannot restore " + strategy + " state: " + strategy
          + " is stateless but was given " + saved.length + " bytes (saved by another strategy?)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(saved).order(ByteOrder.LITTLE_ENDIAN);
    require(saved.length >= FIXED_HEADER_BYTES, "is " + saved.length
        + " bytes, shorter than the smallest header (" + FIXED_HEADER_BYTES + " bytes)");
    byte[] magic = new byte[MAGIC.length];
    buffer.get(magic);
    require(Arrays.equals(magic, MAGIC), "does not start with the magic \"CSOS\"");
    int version = Byte.toUnsignedInt(buffer.get());
    require(version == VERSION, "has format version " + version
        + ", this coordinator reads version " + VERSION);
    int nameLength = Byte.toUnsignedInt(buffer.get());
    require(buffer.remaining() >= nameLength + COUNTS_BYTES, "is " + saved.length
        + " bytes, too short for its header");
    byte[] name = new byte[nameLength];
    buffer.get(name);
    String savedBy = new String(name, StandardCharsets.US_ASCII);
    require(savedBy.equals(strategy), "was saved by strategy " + savedBy);
    long savedRounds = buffer.getLong();
    int elements = buffer.getInt();
    int vectorCount = Byte.toUnsignedInt(buffer.get());
    require(savedRounds > 0 && elements >= 0, "has " + savedRounds + " rounds and " + elements
        + " elements; a saved state has at least one round and no negative size");
    require(vectorCount == initialValues.length, "has " + vectorCount + " vectors, expected "
        + initialValues.length);
    long expectedLength = buffer.position() + (long) vectorCount * elements * Float.BYTES;
    require(saved.length == expectedLength, "is " + saved.length + " bytes, expected "
        + expectedLength + " for " + vectorCount + " vectors of " + elements + " elements");
    float[][] restored = new float[vectorCount][elements];
    for (float[] vector : restored) {
      buffer.asFloatBuffer().get(vector);
      buffer.position(buffer.position() + elements * Float.BYTES);
    }
    vectors = restored;
    rounds = savedRounds;
  }

  private void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException("cannot restore " + strategy + " state: the state "
          + problem);
    }
  }
}
