package io.cohort.billing.pricing;

import io.cohort.billing.money.LargestRemainder;
import io.cohort.billing.money.Micros;
import io.cohort.proto.v1.OwnerShare;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns cumulative contribution scores into integer shares in parts per million that sum to
 * exactly 1,000,000, the form a {@code ModelVersionEvent} carries.
 */
public final class ContributionShares {

  /** Scores are scaled so the largest maps to 2^50 before the integer split. */
  private static final double SCALE = 0x1p50;

  private ContributionShares() {}

  /**
   * @param scores owner id to cumulative score; non-negative finite values (negative scores are
   *     floored at zero). When every score is zero the owners share equally.
   * @return shares ordered by owner id, summing to 1,000,000 ppm
   */
  public static List<OwnerShare> fromScores(Map<String, Double> scores) {
    if (scores.isEmpty()) {
      throw new IllegalArgumentException("a model version needs at least one owner");
    }
    TreeMap<String, Double> sorted = new TreeMap<>(scores);
    double max = 0;
    for (Map.Entry<String, Double> e : sorted.entrySet()) {
      double s = e.getValue();
      if (Double.isNaN(s) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("score of " + e.getKey() + " is not finite: " + s);
      }
      max = Math.max(max, s);
    }
    long[] weights = new long[sorted.size()];
    int i = 0;
    for (double s : sorted.values()) {
      weights[i++] = max > 0 ? Math.round(Math.max(0, s) / max * SCALE) : 1;
    }
    long[] ppm = LargestRemainder.split(Micros.PPM, weights);
    List<OwnerShare> shares = new ArrayList<>(sorted.size());
    i = 0;
    for (Map.Entry<String, Double> e : sorted.entrySet()) {
      shares.add(OwnerShare.newBuilder().setOwnerId(e.getKey()).setSharePpm(ppm[i++])
          .setCumulativeScore(Math.max(0, e.getValue())).build());
    }
    return shares;
  }

  /**
   * What is wrong with a version's shares, if anything: they must be non-empty, non-negative,
   * for distinct non-empty owner ids, and sum to exactly 1,000,000 ppm.
   */
  public static Optional<String> problem(List<OwnerShare> shares) {
    if (shares.isEmpty()) {
      return Optional.of("no contribution shares");
    }
    long sum = 0;
    Set<String> owners = new HashSet<>();
    for (OwnerShare s : shares) {
      if (s.getSharePpm() < 0) {
        return Optional.of("negative share for owner '" + s.getOwnerId() + "'");
      }
      if (s.getOwnerId().isEmpty() || !owners.add(s.getOwnerId())) {
        return Optional.of("empty or repeated owner id '" + s.getOwnerId() + "'");
      }
      sum += s.getSharePpm();
    }
    if (sum != Micros.PPM) {
      return Optional.of("shares sum to " + sum + " ppm, not 1000000");
    }
    return Optional.empty();
  }
}
