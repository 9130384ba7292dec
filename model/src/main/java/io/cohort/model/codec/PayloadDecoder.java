package io.cohort.model.codec;

import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.security.MessageDigest;

/**
 * Decodes a tensor payload that arrives in chunks of any size (an element may be split across
 * two chunks), checking as it goes: the payload is not longer than expected, every value is
 * finite; and computing the SHA-256 and squared L2 norm. One instance per payload.
 */
public final class PayloadDecoder {

  private final Encoding encoding;
  private final int bytesPerElement;
  private final float[] values;
  private final MessageDigest sha256 = Sha256.newDigest();
  private final byte[] pending = new byte[4];
  private int pendingBytes;
  private int elements;
  private double squaredNorm;

  /**
   * @param expectedElements number of elements the payload must hold
   * @param target where to write values (length >= expectedElements), or null to allocate
   */
  public PayloadDecoder(Encoding encoding, int expectedElements, float[] target) {
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
    sha256.update(data, from, length);
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
    if (pendingBytes > 0 || length % bytesPerElement != 0) {
      byte[] copy = new byte[length]; // a slice that splits an element takes the general path
      slice.get(copy);
      accept(copy, 0, length);
      return;
    }
    if (bytesReceived() + length > expectedBytes()) {
      throw new PayloadException("payload is longer than its manifest: more than "
          + expectedBytes() + " bytes");
    }
    sha256.update(slice.duplicate());
    int n = length / bytesPerElement;
    if (bytesPerElement == 4) {
      slice.asFloatBuffer().get(values, elements, n);
    } else {
      ShortBuffer halves = slice.asShortBuffer();
      for (int k = 0; k < n; k++) {
        values[elements + k] = Float16.toFloat(halves.get(k));
      }
    }
    double norm = 0;
    for (int k = elements, end = elements + n; k < end; k++) {
      norm += (double) values[k] * values[k];
    }
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
   * @param expectedSha256 hex digest to verify, or null to skip the check
   * @return the decoded values
   * @throws PayloadException if bytes are missing or the checksum differs
   */
  public float[] finish(String expectedSha256) {
    if (bytesReceived() != expectedBytes()) {
      throw new PayloadException("payload is shorter than its manifest: " + bytesReceived()
          + " of " + expectedBytes() + " bytes");
    }
    String actual = Sha256.hex(sha256.digest());
    if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(actual)) {
      throw new PayloadChecksumException("checksum mismatch: payload has sha256 " + actual
          + ", sender declared " + expectedSha256);
    }
    this.digest = actual;
    return values;
  }

  private String digest;

  /** Hex SHA-256 of the payload; available after {@link #finish}. */
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
