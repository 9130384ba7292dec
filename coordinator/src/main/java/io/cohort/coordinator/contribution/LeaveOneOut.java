package io.cohort.coordinator.contribution;

import java.util.BitSet;
import java.util.SortedMap;

/**
 * Leave-one-out: a node's value is what the round's model loses without it,
 * {@code v(all) - v(all - i)}, for each player (distinct update, see {@link RoundUpdates}), split
 * among its nodes. The cheap setting, {@code n + 1} utility evaluations, but not Shapley-fair: two
 * nodes with similar data each make the other redundant, so both score about zero (under-paying
 * rather than paying twice), and the values need not sum to the round's gain.
 */
public final class LeaveOneOut implements ContributionScorer {

  @Override
  public SortedMap<String, Double> score(RoundUpdates round, Utility utility) {
    return ContributionScorer.floorAtZero(values(round, utility));
  }

  /** The leave-one-out values before flooring at zero. */
  public SortedMap<String, Double> values(RoundUpdates round, Utility utility) {
    CoalitionValues coalitions = new CoalitionValues(round, utility);
    double all = coalitions.grand();
    BitSet others = new BitSet();
    double[] values = new double[round.playerCount()];
    others.set(0, round.playerCount());
    for (int i = 0; i < values.length; i++) {
      others.clear(i);
      values[i] = all - coalitions.of(others);
      others.set(i);
    }
    return round.byNode(values);
  }
}
