package io.cohort.coordinator.contribution;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.SortedMap;
import java.util.SplittableRandom;

/**
 * GTG-Shapley (Liu et al. 2022, "GTG-Shapley: Efficient and Accurate Participant Contribution
 * Evaluation in Federated Learning"): Monte-Carlo estimates of each node's Shapley value from
 * sampled join orders, with sub-models rebuilt from the received updates (no retraining). The
 * players are the round's distinct updates (see {@link RoundUpdates}); {@code n} is their number.
 *
 * <ul>
 *   <li><b>Between-round truncation</b>: if the full aggregate's gain over the base model,
 *       {@code |v(all) - v(none)|}, is at most {@code roundTruncation}, the round is not worth
 *       dividing and every value is zero (2 utility evaluations).
 *   <li><b>Guided sampling</b>: permutations come in cycles of {@code n}; in a cycle every player
 *       leads once (the first position carries the largest marginal gains) and the others follow
 *       in a random order.
 *   <li><b>Within-round truncation</b>: walking a permutation, once the coalition's utility is
 *       within {@code truncation} of {@code v(all)}, the remaining players' marginal gains are
 *       taken as zero without evaluating them.
 *   <li><b>Convergence</b>: after at least {@code max(30, n)} permutations, sampling stops at the
 *       end of a cycle when, for each of the last 10 permutations, the estimates then differed from
 *       the current ones by at most {@code convergence} in relative L1 terms
 *       ({@code sum|phi_then - phi_now| <= convergence * sum|phi_now|}); or at
 *       {@code maxPermutations}. (The reference code compares each node relative to its own
 *       value, which never settles for a free rider whose value is about zero.) With the default
 *       tolerance, 1%, estimates on small rounds land within a few percent of the round's gain
 *       of the exact values; 5%, the reference code's figure, stops too early under this test.
 * </ul>
 *
 * <p>Coalitions already evaluated are never evaluated again, so the cost is at most
 * {@code min(2^n, 2 + maxPermutations * n)} utility evaluations, usually far fewer. The generator
 * is seeded afresh on every call: the same round gives the same values.
 */
public final class GtgShapley implements ContributionScorer {

  private static final int MIN_PERMUTATIONS = 30;
  private static final int STABLE_PERMUTATIONS = 10;

  /**
   * @param truncation within-round truncation tolerance, in utility units
   * @param roundTruncation between-round truncation tolerance, in utility units
   * @param convergence relative L1 change of the estimates over the last 10 permutations
   * @param maxPermutations hard cap on sampled permutations
   * @param seed seed of the permutation generator
   */
  public record Settings(double truncation, double roundTruncation, double convergence,
      int maxPermutations, long seed) {

    /** Truncation tolerances of the paper's reference code, for utilities in [0, 1]. */
    public static final Settings DEFAULTS = new Settings(0.001, 0.001, 0.01, 500, 1);

    public Settings {
      if (!(truncation >= 0) || !(roundTruncation >= 0) || !(convergence >= 0)) {
        throw new IllegalArgumentException("GTG tolerances must be non-negative numbers, got"
            + " truncation " + truncation + ", round truncation " + roundTruncation
            + ", convergence " + convergence);
      }
      if (maxPermutations < 1) {
        throw new IllegalArgumentException("max permutations must be at least 1, got "
            + maxPermutations);
      }
    }
  }

  /**
   * The estimate and what it cost.
   *
   * @param values Shapley value estimates before flooring at zero
   * @param permutations permutations sampled (0 if the round was truncated)
   * @param evaluations distinct coalitions whose utility was computed
   * @param converged whether sampling stopped by the convergence test rather than the cap
   * @param roundTruncated whether the round's gain was too small to divide (all values zero)
   */
  public record Estimate(SortedMap<String, Double> values, int permutations, int evaluations,
      boolean converged, boolean roundTruncated) {}

  private final Settings settings;

  public GtgShapley() {
    this(Settings.DEFAULTS);
  }

  public GtgShapley(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public SortedMap<String, Double> score(RoundUpdates round, Utility utility) {
    return ContributionScorer.floorAtZero(estimate(round, utility).values());
  }

  /** Samples permutations until the estimates converge (or the cap) and returns them. */
  public Estimate estimate(RoundUpdates round, Utility utility) {
    int n = round.playerCount();
    CoalitionValues coalitions = new CoalitionValues(round, utility);
    if (n == 0) {
      return new Estimate(Collections.emptySortedMap(), 0, 0, true, false);
    }
    double none = coalitions.empty();
    double all = coalitions.grand();
    if (Math.abs(all - none) <= settings.roundTruncation()) {
      return new Estimate(round.byNode(new double[n]), 0, coalitions.evaluations(), true, true);
    }
    SplittableRandom random = new SplittableRandom(settings.seed());
    double[] marginalSums = new double[n];
    Deque<double[]> recent = new ArrayDeque<>();
    int[] order = new int[n];
    BitSet members = new BitSet(n);
    int minPermutations = Math.max(MIN_PERMUTATIONS, n);
    int permutations = 0;
    boolean converged = false;
    while (!converged && permutations < settings.maxPermutations()) {
      for (int leader = 0; leader < n && permutations < settings.maxPermutations(); leader++) {
        guidedPermutation(leader, order, random);
        members.clear();
        double previous = none;
        for (int j = 0; j < n && Math.abs(all - previous) >= settings.truncation(); j++) {
          members.set(order[j]);
          double current = coalitions.of(members);
          marginalSums[order[j]] += current - previous;
          previous = current;
        }
        permutations++;
        recent.addLast(means(marginalSums, permutations));
        if (recent.size() > STABLE_PERMUTATIONS) {
          recent.removeFirst();
        }
      }
      converged = permutations >= minPermutations && stable(recent);
    }
    return new Estimate(round.byNode(means(marginalSums, permutations)), permutations,
        coalitions.evaluations(), converged, false);
  }

  /** {@code leader} first, then the other nodes in a uniformly random order (Fisher-Yates). */
  private static void guidedPermutation(int leader, int[] order, SplittableRandom random) {
    order[0] = leader;
    for (int i = 1, node = 0; i < order.length; node++) {
      if (node != leader) {
        order[i++] = node;
      }
    }
    for (int i = order.length - 1; i > 1; i--) {
      int j = 1 + random.nextInt(i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }

  private boolean stable(Deque<double[]> recent) {
    double[] now = recent.peekLast();
    double scale = 0;
    for (double phi : now) {
      scale += Math.abs(phi);
    }
    for (double[] then : recent) {
      double change = 0;
      for (int i = 0; i < now.length; i++) {
        change += Math.abs(then[i] - now[i]);
      }
      if (change > settings.convergence() * scale) {
        return false;
      }
    }
    return true;
  }

  private static double[] means(double[] sums, int count) {
    double[] means = new double[sums.length];
    for (int i = 0; i < sums.length; i++) {
      means[i] = count == 0 ? 0 : sums[i] / count;
    }
    return means;
  }
}
