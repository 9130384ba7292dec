package io.cohort.coordinator.federation;

import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.RoundSummary;

/** Hears what happens to federations (console output, metrics, event publishing). */
public interface FederationListener {

  default void roundStarted(String federationId, int round, int attempt, java.util.List<String> selected) {}

  default void roundFinished(String federationId, RoundSummary summary) {}

  default void stateChanged(String federationId, FederationState state, String reason) {}
}
