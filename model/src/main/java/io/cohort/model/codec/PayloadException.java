package io.cohort.model.codec;

/** A payload violates its manifest (size, finite values). */
public class PayloadException extends RuntimeException {
  public PayloadException(String message) {
    super(message);
  }
}
