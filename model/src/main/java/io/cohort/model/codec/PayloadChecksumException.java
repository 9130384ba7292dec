package io.cohort.model.codec;

/** A payload's bytes do not match the checksum its sender declared. */
public final class PayloadChecksumException extends PayloadException {
  public PayloadChecksumException(String message) {
    super(message);
  }
}
