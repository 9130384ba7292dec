package io.cohort.coordinator.contribution;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The utility of coalitions of one round's players (see {@link RoundUpdates}), each subset
 * evaluated at most once. Holds one
 * reusable sub-model buffer, so evaluating a coalition allocates nothing beyond the utility's own
 * work. Not thread-safe: one instance per scoring call.
 */
final class CoalitionValues {

  private final RoundUpdates round;
  private final Utility utility;
  private final Map<BitSet, Double> memo = new HashMap<>();
  private final double[] sum;
  private final float[] params;

  CoalitionValues(RoundUpdates round, Utility utility) {
    this.round = round;
    this.utility = utility;
    this.sum = new double[round.trainableCount()];
    this.params = new float[round.parameterCount()];
  }

  /** The utility of the sub-model of {@code members} (player indices); not retained. */
  double of(BitSet members) {
    Double known = memo.get(members);
    if (known != null) {
      return known;
    }
    round.playerSubModelInto(members, sum, params);
    double value = utility.value(params);
    if (!Double.isFinite(value)) {
      throw new IllegalStateException("utility is " + value + " for the sub-model of "
          + round.nodesOf(members) + " (an AUC on a validation set with one class only?)");
    }
    memo.put((BitSet) members.clone(), value);
    return value;
  }

  /** The utility of the coalition whose player indices are the set bits of {@code mask}. */
  double ofMask(long mask) {
    return of(BitSet.valueOf(new long[] {mask}));
  }

  double empty() {
    return of(new BitSet());
  }

  double grand() {
    BitSet all = new BitSet();
    all.set(0, round.playerCount());
    return of(all);
  }

  /** How many distinct coalitions were evaluated: the cost of scoring, in utility calls. */
  int evaluations() {
    return memo.size();
  }
}
