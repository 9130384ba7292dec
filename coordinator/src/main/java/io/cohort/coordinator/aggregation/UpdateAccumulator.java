package io.cohort.coordinator.aggregation;

import java.util.Map;

/** Collects a round's validated updates. Implementations are safe for concurrent {@link #add}. */
public interface UpdateAccumulator {

  /** Folds one complete, validated update ({@code local - base}) with its aggregation weight. */
  void add(float[] delta, long weight);

  /**
   * As {@link #add(float[], long)}, naming the node the update came from. Robust strategies and
   * the norm filter need the name to report which nodes they left out; the others ignore it.
   */
  default void add(String nodeId, float[] delta, long weight) {
    add(delta, weight);
  }

  /** Number of updates added. */
  int count();

  /** Sum of the weights added. */
  long totalWeight();

  /**
   * Nodes whose updates this round's aggregation left out or found outlying, with why; complete
   * once the strategy's {@code finishRound} has run. Empty for the FedAvg family.
   */
  default Map<String, String> flagged() {
    return Map.of();
  }
}
