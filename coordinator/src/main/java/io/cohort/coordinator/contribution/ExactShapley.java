package io.cohort.coordinator.contribution;

import java.util.SortedMap;

/**
 * The exact Shapley value of each node: its marginal gain {@code v(S + i) - v(S)} averaged over
 * every order in which the nodes could join, i.e. over all subsets {@code S} of the others with
 * weight {@code |S|! (n - |S| - 1)! / n!}, the players being the round's distinct updates (see
 * {@link RoundUpdates}). Costs {@code 2^n} utility evaluations, so it is meant for small rounds
 * (the "shapley" setting uses it up to 6 players) and refuses more than {@value #MAX_PLAYERS}.
 *
 * <p>The values are efficient: they sum to {@code v(all) - v(none)}, the round's gain over the
 * base model. Identical updates get identical values; an update that changes no coalition's
 * utility gets zero.
 */
public final class ExactShapley implements ContributionScorer {

  public static final int MAX_PLAYERS = 16;

  @Override
  public SortedMap<String, Double> score(RoundUpdates round, Utility utility) {
    return ContributionScorer.floorAtZero(values(round, utility));
  }

  /** The Shapley values before flooring at zero (negative for a harmful update). */
  public SortedMap<String, Double> values(RoundUpdates round, Utility utility) {
    int n = round.playerCount();
    if (n > MAX_PLAYERS) {
      throw new IllegalArgumentException("exact Shapley values of " + n + " distinct updates need"
          + " 2^" + n + " utility evaluations; use at most " + MAX_PLAYERS + " or GTG-Shapley");
    }
    CoalitionValues coalitions = new CoalitionValues(round, utility);
    double[] value = new double[1 << n];
    for (int mask = 0; mask < value.length; mask++) {
      value[mask] = coalitions.ofMask(mask);
    }
    double[] weightOfSize = new double[Math.max(n, 1)];
    for (int s = 0; s < n; s++) {
      weightOfSize[s] = 1.0 / (n * binomial(n - 1, s)); // s! (n - s - 1)! / n!
    }
    double[] phis = new double[n];
    for (int i = 0; i < n; i++) {
      int bit = 1 << i;
      double phi = 0;
      for (int mask = 0; mask < value.length; mask++) {
        if ((mask & bit) == 0) {
          phi += weightOfSize[Integer.bitCount(mask)] * (value[mask | bit] - value[mask]);
        }
      }
      phis[i] = phi;
    }
    return round.byNode(phis);
  }

  private static double binomial(int n, int k) {
    double c = 1;
    for (int j = 1; j <= k; j++) {
      c = c * (n - k + j) / j;
    }
    return c;
  }
}
