package io.cohort.coordinator.contribution;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Each owner's cumulative contribution to a federation's model across rounds: the sum of its
 * per-round scores, and its share of the total. A model version carries the shares as of the
 * round that produced it; billing splits the owners' part of every charge by
 * {@link #partsPerMillion()}.
 *
 * <p>Owners whose cumulative score is zero are listed with a zero share. <b>When every score is
 * zero</b> (no round has measurably improved the model over its starting point), there are
 * <b>no shares</b>: both maps are empty rather than equal. Equal shares would pay mere
 * participation, which anyone can inflate by joining with more nodes that send nothing; a model
 * nobody improved earns its owners nothing, and billing must handle an empty share map (for
 * example by keeping the owners' part with the platform).
 *
 * <p>Thread-safe.
 */
public final class ContributionShares {

  /** The parts that {@link #partsPerMillion()} divides among owners. */
  public static final long PARTS = 1_000_000L;

  private final SortedMap<String, Double> cumulative = new TreeMap<>();

  public ContributionShares() {}

  /** Restores cumulative scores saved with a model version (after a coordinator restart). */
  public ContributionShares(Map<String, Double> cumulativeScores) {
    addRound(cumulativeScores);
  }

  /**
   * Adds one round's scores (owner -> score, as returned by a {@link ContributionScorer}, summed
   * per owner when an owner runs several nodes). An owner with a zero score still gets listed.
   *
   * @throws IllegalArgumentException for a negative or non-finite score (nothing is added)
   */
  public synchronized void addRound(Map<String, Double> roundScores) {
    roundScores.forEach((owner, score) -> {
      if (!(score >= 0) || Double.isInfinite(score)) {
        throw new IllegalArgumentException("contribution score of " + owner
            + " must be a finite number >= 0, got " + score);
      }
    });
    roundScores.forEach((owner, score) -> cumulative.merge(owner, score, Double::sum));
  }

  /** Owner -> sum of its scores over all rounds so far. */
  public synchronized SortedMap<String, Double> cumulativeScores() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(cumulative));
  }

  /** Owner -> cumulative score over the total, summing to 1; empty when every score is zero. */
  public synchronized SortedMap<String, Double> shares() {
    double total = cumulative.values().stream().mapToDouble(Double::doubleValue).sum();
    SortedMap<String, Double> shares = new TreeMap<>();
    if (total > 0) {
      cumulative.forEach((owner, score) -> shares.put(owner, score / total));
    }
    return Collections.unmodifiableSortedMap(shares);
  }

  /** The shares in integer parts per million, summing to exactly {@link #PARTS} (or empty). */
  public synchronized SortedMap<String, Long> partsPerMillion() {
    return partsPerMillion(cumulative);
  }

  /**
   * Divides {@link #PARTS} among keys in proportion to non-negative weights by the largest
   * remainder method: each key gets the floor of its exact quota, and the parts left over go one
   * each to the largest fractional remainders (ties to the smaller key). The result sums to
   * exactly {@link #PARTS} and each key is within one part of its exact quota. Empty when all
   * weights are zero.
   */
  public static SortedMap<String, Long> partsPerMillion(Map<String, Double> weights) {
    SortedMap<String, BigDecimal> exact = new TreeMap<>();
    BigDecimal total = BigDecimal.ZERO;
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      double w = e.getValue();
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weight of " + e.getKey()
            + " must be a finite number >= 0, got " + w);
      }
      exact.put(e.getKey(), new BigDecimal(w));
      total = total.add(new BigDecimal(w));
    }
    SortedMap<String, Long> parts = new TreeMap<>();
    if (total.signum() == 0) {
      return Collections.unmodifiableSortedMap(parts);
    }
    BigDecimal million = BigDecimal.valueOf(PARTS);
    List<Map.Entry<String, BigDecimal>> remainders = new ArrayList<>();
    long assigned = 0;
    for (Map.Entry<String, BigDecimal> e : exact.entrySet()) {
      BigDecimal quota = e.getValue().multiply(million).divide(total, MathContext.DECIMAL128);
      BigDecimal floor = quota.setScale(0, RoundingMode.FLOOR);
      parts.put(e.getKey(), floor.longValueExact());
      assigned += floor.longValueExact();
      remainders.add(Map.entry(e.getKey(), quota.subtract(floor)));
    }
    // keys are in ascending order and the sort is stable: equal remainders go to the smaller key
    remainders.sort(Comparator.comparing(Map.Entry<String, BigDecimal>::getValue).reversed());
    for (int i = 0; assigned < PARTS; i = (i + 1) % remainders.size()) {
      parts.merge(remainders.get(i).getKey(), 1L, Long::sum);
      assigned++;
    }
    return Collections.unmodifiableSortedMap(parts);
  }
}
