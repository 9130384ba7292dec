package io.cohort.coordinator.federation;

/** A federation with the requested id already exists. */
public final class DuplicateFederationException extends RuntimeException {
  public DuplicateFederationException(String message) {
    super(message);
  }
}
