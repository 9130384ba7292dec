package io.cohort.model.codec;

import io.cohort.proto.v1.Encoding;

/**
 * A parameter vector in its wire form: the little-endian bytes, with their checksums computed
 * on first use and kept. Encoded once, the same bytes can be sent any number of times; nobody
 * may modify {@link #bytes()}.
 */
public final class EncodedPayload {

  private final byte[] bytes;
  private final Encoding encoding;
  private String sha256;
  private Integer crc32c;

  private EncodedPayload(byte[] bytes, Encoding encoding) {
    this.bytes = bytes;
    this.encoding = encoding;
  }

  public static EncodedPayload of(float[] values, Encoding encoding) {
    return new EncodedPayload(PayloadEncoder.encode(values, encoding), encoding);
  }

  public byte[] bytes() {
    return bytes;
  }

  public Encoding encoding() {
    return encoding;
  }

  /** Lowercase hex SHA-256 of the bytes. */
  public synchronized String sha256() {
    if (sha256 == null) {
      sha256 = Sha256.of(bytes);
    }
    return sha256;
  }

  /** CRC-32C of the bytes (the value a manifest's {@code crc32c} field carries). */
  public synchronized int crc32c() {
    if (crc32c == null) {
      crc32c = PayloadChecksum.crc32c(bytes);
    }
    return crc32c;
  }
}
