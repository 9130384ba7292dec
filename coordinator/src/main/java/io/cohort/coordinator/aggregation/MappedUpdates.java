package io.cohort.coordinator.aggregation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The accumulator of the robust strategies: they need every update of a round at once, so each
 * update is written to its own memory-mapped file (little-endian float32) in the round's staging
 * directory. The page cache, not the heap, holds them; a strategy reads them back in blocks of
 * coordinates ({@link #readBlock}), so heap use is (updates x block) whatever the model size.
 *
 * <p>One mapping per update limits an update to {@link #MAX_ELEMENTS} parameters (2 GiB).
 */
public final class MappedUpdates implements UpdateAccumulator, AutoCloseable {

  /** Largest update one mapping holds. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE / Float.BYTES;

  private final Path dir;
  private final int elements;
  private final List<Stored> updates = new ArrayList<>();
  private final Map<String, String> flagged = new LinkedHashMap<>();
  private long totalWeight;

  private record Stored(String nodeId, long weight, FloatBuffer values) {}

  /**
   * @param dir directory for this round's files; created if missing, deleted by {@link #close()}
   * @param elements trainable parameters of the model
   */
  MappedUpdates(Path dir, int elements) {
    if (elements > MAX_ELEMENTS) {
      throw new IllegalArgumentException("robust strategies keep updates of at most "
          + MAX_ELEMENTS + " parameters, the model has " + elements);
    }
    this.dir = dir;
    this.elements = elements;
  }

  @Override
  public void add(float[] delta, long weight) {
    add("update-" + count(), delta, weight);
  }

  @Override
  public synchronized void add(String nodeId, float[] delta, long weight) {
    WeightedMeanAccumulator.checkUpdate(delta, weight, elements);
    Path file = dir.resolve("update-" + updates.size() + ".f32");
    try {
      if (updates.isEmpty()) { // the round's folder, made by its first update
        Files.createDirectories(dir);
      }
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0,
            (long) elements * Float.BYTES);
        FloatBuffer values = mapped.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        values.put(0, delta);
        updates.add(new Stored(nodeId, weight, values));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage update of " + nodeId + " in " + file, e);
    }
    totalWeight += weight;
  }

  /** Copies coordinates {@code [from, from + length)} of update {@code index} into {@code into}. */
  synchronized void readBlock(int index, int from, float[] into, int length) {
    updates.get(index).values().get(from, into, 0, length);
  }

  synchronized String nodeId(int index) {
    return updates.get(index).nodeId();
  }

  int elements() {
    return elements;
  }

  /** Records that the strategy left out or found outlying the update of {@code nodeId}. */
  synchronized void flag(String nodeId, String why) {
    flagged.put(nodeId, why);
  }

  @Override
  public synchronized Map<String, String> flagged() {
    return Map.copyOf(flagged);
  }

  @Override
  public synchronized int count() {
    return updates.size();
  }

  @Override
  public synchronized long totalWeight() {
    return totalWeight;
  }

  /** Unmaps (by dropping the buffers) and deletes the round's files. */
  @Override
  public synchronized void close() {
    updates.clear();
    deleteTree(dir);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete staging directory " + dir, e);
    }
  }
}
