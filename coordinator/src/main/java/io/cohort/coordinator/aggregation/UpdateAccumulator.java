package io.cohort.coordinator.aggregation;

/** Collects a round's validated updates. Implementations are safe for concurrent {@link #add}. */
public interface UpdateAccumulator {

  /** Folds one complete, validated update ({@code local - base}) with its aggregation weight. */
  void add(float[] delta, long weight);

  /** Number of updates added. */
  int count();

  /** Sum of the weights added. */
  long totalWeight();
}
