package io.cohort.coordinator.federation;

/** An action that the federation's current state does not allow. Nothing was changed. */
public final class FederationStateException extends RuntimeException {
  public FederationStateException(String message) {
    super(message);
  }
}
