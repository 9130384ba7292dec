package io.cohort.model.codec;

import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * Decodes a tensor payload that arrives in chunks of any size (an element may be split across
 * two chunks), checking as it goes: the payload is not longer than expected, every value is
 * finite; and computing the checksum (SHA-256 or CRC-32C) and squared L2 norm. One instance per
 * payload.
 */
public final class PayloadDecoder {

  private final Encoding encoding;
  private final int bytesPerElement;
  private final float[] values;
  private final PayloadChecksum checksumKind;
  private final PayloadChecksum.Running checksum;
  private final byte[] pending = new byte[4];
  private int pendingBytes;
  private int elements;
  private double squaredNorm;

  /**
   * @param expectedElements number of elements the payload must hold
   * @param target where to write values (length >= expectedElements), or null to allocate
   */
  public PayloadDecoder(Encoding encoding, int expectedElements, float[] target) {
    this(encoding, expectedElements, target, PayloadChecksum.SHA256);
  }

  /** As above, verifying the payload with {@code checksum}. */
  public PayloadDecoder(Encoding encoding, int expectedElements, float[] target,
      PayloadChecksum checksum) {
    this.checksumKind = checksum;
    this.checksum = checksum.start();
    this.encoding = encoding;
    this.bytesPerElement = ParameterLayout.bytesPerElement(encoding);
    if (target != null && target.length < expectedElements) {
      throw new IllegalArgumentException("target holds " + target.length + " elements, need "
          + expectedElements);
    }
    this.values = target != null ? target : new float[expectedElements];
    this.expected = expectedElements;
  }

  private final int expected;

  /** Bytes accepted so far. */
  public long bytesReceived() {
    return (long) elements * bytesPerElement + pendingBytes;
  }

  public long expectedBytes() {
    return (long) expected * bytesPerElement;
  }

  /**
   * Accepts the next slice of the payload.
   *
   * @throws PayloadException if the payload grows past the expected size or holds a non-finite value
   */
  public void accept(byte[] data, int from, int length) {
    if (bytesReceived() + length > expectedBytes()) {
      throw new PayloadException("payload is longer than its manifest: more than "
          + expectedBytes() + " bytes");
    }
    checksum.update(data, from, length);
    int i = from;
    int end = from + length;
    while (pendingBytes > 0 && i < end) {
      pending[pendingBytes++] = data[i++];
      if (pendingBytes == bytesPerElement) {
        put(read(pending, 0));
        pendingBytes = 0;
      }
    }
    while (end - i >= bytesPerElement) {
      put(read(data, i));
      i += bytesPerElement;
    }
    while (i < end) {
      pending[pendingBytes++] = data[i++];
    }
  }

  /**
   * Accepts the next slice of the payload from a buffer (its remaining bytes; the position is
   * not moved). Whole elements are read through a little-endian view (float32 in bulk), with no
   * intermediate byte array: this is the coordinator's hot path for uploads.
   *
   * @throws PayloadException if the payload grows past the expected size or holds a non-finite value
   */
  public void accept(ByteBuffer data) {
    ByteBuffer slice = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    int length = slice.remaining();
    if (bytesReceived() + length > expectedBytes()) {
      throw new PayloadException("payload is longer than its manifest: more than "
          + expectedBytes() + " bytes");
    }
    checksum.update(slice.duplicate());
    // Slices need not start or end on an element boundary (a network buffer holds whatever
    // bytes arrived): finish a split element byte by byte, take the whole ones in bulk, keep
    // the tail for the next slice.
    int pos = 0;
    while (pendingBytes > 0 && pos < length) {
      pending[pendingBytes++] = slice.get(pos++);
      if (pendingBytes == bytesPerElement) {
        put(read(pending, 0));
        pendingBytes = 0;
      }
    }
    int whole = (length - pos) / bytesPerElement;
    if (whole > 0) {
      acceptWhole(slice.slice(pos, whole * bytesPerElement).order(ByteOrder.LITTLE_ENDIAN),
          whole);
      pos += whole * bytesPerElement;
    }
    while (pos < length) {
      pending[pendingBytes++] = slice.get(pos++);
    }
  }

  /** {@code n} whole elements, already checksummed, in bulk. */
  private void acceptWhole(ByteBuffer elementsLittleEndian, int n) {
    if (bytesPerElement == 4) {
      elementsLittleEndian.asFloatBuffer().get(values, elements, n);
    } else {
      ShortBuffer halves = elementsLittleEndian.asShortBuffer();
      for (int k = 0; k < n; k++) {
        values[elements + k] = Float16.toFloat(halves.get(k));
      }
    }
    double norm = squaredSum(values, elements, elements + n);
    // In double precision, squares of finite floats cannot overflow even summed over 2^31
    // elements, so the sum is finite exactly when every value is: look for the culprit only then.
    if (!Double.isFinite(norm)) {
      for (int k = elements, end = elements + n; k < end; k++) {
        if (!Float.isFinite(values[k])) {
          throw new PayloadException("non-finite value " + values[k] + " at element " + k);
        }
      }
    }
    squaredNorm += norm;
    elements += n;
  }

  private static final int NORM_BLOCK = 4096;

  /**
   * Sum of squares over {@code [from, to)}: within blocks of 4096 values in eight float
   * partial sums (independent additions the CPU overlaps; about twice as fast as one double
   * sum, and the norm only needs a few significant digits), blocks added in double. A block
   * whose float sum overflows (values beyond ~1e19) is summed again in double, so the result is
   * non-finite exactly when a value is.
   */
  static double squaredSum(float[] v, int from, int to) {
    double total = 0;
    for (int block = from; block < to; block += NORM_BLOCK) {
      int end = Math.min(to, block + NORM_BLOCK);
      double s = squaredSumInFloat(v, block, end);
      total += Double.isFinite(s) ? s : squaredSumInDouble(v, block, end);
    }
    return total;
  }

  private static double squaredSumInFloat(float[] v, int from, int to) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int k = from;
    for (; k + 7 < to; k += 8) {
      s0 += v[k] * v[k];
      s1 += v[k + 1] * v[k + 1];
      s2 += v[k + 2] * v[k + 2];
      s3 += v[k + 3] * v[k + 3];
      s4 += v[k + 4] * v[k + 4];
      s5 += v[k + 5] * v[k + 5];
      s6 += v[k + 6] * v[k + 6];
      s7 += v[k + 7] * v[k + 7];
    }
    for (; k < to; k++) {
      s0 += v[k] * v[k];
    }
    return ((double) s0 + s1) + ((double) s2 + s3) + ((double) s4 + s5) + ((double) s6 + s7);
  }

  private static double squaredSumInDouble(float[] v, int from, int to) {
    double s = 0;
    for (int k = from; k < to; k++) {
      s += (double) v[k] * v[k];
    }
    return s;
  }

  private float read(byte[] b, int at) {
    if (bytesPerElement == 4) {
      int bits = (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16
          | (b[at + 3] & 0xff) << 24;
      return Float.intBitsToFloat(bits);
    }
    return Float16.toFloat((short) ((b[at] & 0xff) | (b[at + 1] & 0xff) << 8));
  }

  private void put(float v) {
    if (!Float.isFinite(v)) {
      throw new PayloadException("non-finite value " + v + " at element " + elements);
    }
    squaredNorm += (double) v * v;
    values[elements++] = v;
  }

  /**
   * Completes the payload.
   *
   * @param expectedChecksum hex checksum (of this decoder's kind) to verify, or null to skip
   * @return the decoded values
   * @throws PayloadException if bytes are missing or the checksum differs
   */
  public float[] finish(String expectedChecksum) {
    if (bytesReceived() != expectedBytes()) {
      throw new PayloadException("payload is shorter than its manifest: " + bytesReceived()
          + " of " + expectedBytes() + " bytes");
    }
    String actual = checksum.hex();
    if (expectedChecksum != null && !expectedChecksum.equalsIgnoreCase(actual)) {
      String name = checksumKind.name().toLowerCase();
      throw new PayloadChecksumException("checksum mismatch: payload has " + name + " " + actual
          + ", sender declared " + expectedChecksum);
    }
    this.digest = actual;
    return values;
  }

  private String digest;

  /** Hex checksum of the payload (of this decoder's kind); available after {@link #finish}. */
  public String digest() {
    return digest;
  }

  public double l2Norm() {
    return Math.sqrt(squaredNorm);
  }

  public Encoding encoding() {
    return encoding;
  }
}
