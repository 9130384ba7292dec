package io.cohort.coordinator.web;

import io.cohort.coordinator.federation.FederationListener;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.RoundSummary;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers, per federation, the round in progress as the engine announced it. */
final class LiveRounds implements FederationListener {

  /** A round that started and has not finished. */
  record Started(int round, int attempt, List<String> selected, long startedAtMs,
      int updatesReceived) {}

  private final Map<String, Started> started = new ConcurrentHashMap<>();

  @Override
  public void roundStarted(String federationId, int round, int attempt, List<String> selected) {
    started.put(federationId, new Started(round, attempt, List.copyOf(selected),
        System.currentTimeMillis(), 0));
  }

  @Override
  public void roundFinished(String federationId, RoundSummary summary) {
    started.remove(federationId);
  }

  @Override
  public void stateChanged(String federationId, FederationState state, String reason) {
    if (state == FederationState.STOPPED || state == FederationState.FAILED
        || state == FederationState.COMPLETED) {
      started.remove(federationId); // a round cut short by a stop never finishes
    }
  }

  /** Remembers how many updates the round's training phase received (shown while evaluating). */
  void trainingProgress(String federationId, int round, int received) {
    started.computeIfPresent(federationId, (k, s) -> s.round() == round
        ? new Started(s.round(), s.attempt(), s.selected(), s.startedAtMs(), received) : s);
  }

  Optional<Started> of(String federationId) {
    return Optional.ofNullable(started.get(federationId));
  }
}
