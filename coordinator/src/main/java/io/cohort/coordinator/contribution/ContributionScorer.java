package io.cohort.coordinator.contribution;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Measures what each node's update in a round is worth: its marginal value to the aggregated
 * model on a validation set, Shapley-style, so a free rider scores about zero and a duplicated
 * update is not paid twice. Implementations are plain classes chosen by name
 * ({@link ContributionScorers}).
 */
public interface ContributionScorer {

  /**
   * Scores every node of the round: node id -> score, at least zero (negative marginal values are
   * floored), in the units of {@code utility}. Deterministic for the same inputs.
   *
   * @throws IllegalStateException if the utility is not finite for some sub-model
   */
  SortedMap<String, Double> score(RoundUpdates round, Utility utility);

  /** The values with negatives (harmful updates) replaced by zero. */
  static SortedMap<String, Double> floorAtZero(Map<String, Double> values) {
    SortedMap<String, Double> floored = new TreeMap<>();
    values.forEach((node, value) -> floored.put(node, Math.max(0.0, value)));
    return Collections.unmodifiableSortedMap(floored);
  }
}
