package io.cohort.coordinator.aggregation;

import io.cohort.proto.v1.TrainConfig;

/**
 * The server-side algorithm of a federation: how a round is configured and how the round's
 * updates become the next global model. Implementations are plain classes chosen by name
 * ({@link StrategyFactory}); they see only flat vectors of the trainable parameters.
 *
 * <p>Updates are deltas ({@code local - base}). They are folded into an {@link UpdateAccumulator}
 * as they arrive, so a strategy never holds more than O(model size) per round.
 */
public interface Strategy {

  /** Name used in federation specs, e.g. {@code "fedavg"}. */
  String name();

  /** The local training configuration for a round (FedProx adds its proximal term here). */
  TrainConfig configureRound(int round, TrainConfig base);

  /** A fresh accumulator for one round's updates of {@code elements} trainable parameters. */
  UpdateAccumulator newAccumulator(int elements);

  /**
   * The new global trainable parameters from the current ones and the round's accumulated updates.
   * Must not modify {@code current}. Advances the server optimizer state.
   */
  float[] finishRound(float[] current, UpdateAccumulator accumulator);

  /** Server optimizer state (momentum, moments), saved with each model version; empty if none. */
  byte[] saveState();

  /** Restores what {@link #saveState()} returned, after a coordinator restart. */
  void restoreState(byte[] state);
}
