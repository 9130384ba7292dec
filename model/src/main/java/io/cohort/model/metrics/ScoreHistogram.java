package io.cohort.model.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * Counts of predicted positive-class probabilities in equal bins over [0, 1], one histogram for
 * positive examples and one for negative ones. Nodes report these instead of per-example scores;
 * the coordinator adds them up and computes the AUC of the union without seeing any record.
 */
public final class ScoreHistogram {

  public static final int DEFAULT_BINS = 100;

  private final long[] positive;
  private final long[] negative;

  public ScoreHistogram() {
    this(DEFAULT_BINS);
  }

  public ScoreHistogram(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("need at least one bin, got " + bins);
    }
    positive = new long[bins];
    negative = new long[bins];
  }

  /** A histogram holding reported counts, e.g. from an {@code EvaluationResult}. */
  public static ScoreHistogram of(List<Long> positiveCounts, List<Long> negativeCounts) {
    ScoreHistogram h = new ScoreHistogram(positiveCounts.size());
    h.add(positiveCounts, negativeCounts);
    return h;
  }

  public int bins() {
    return positive.length;
  }

  /** The bin of a probability: {@code floor(p * bins)}, with 1.0 in the last bin. */
  public static int binOf(double probability, int bins) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    return Math.min(bins - 1, (int) (probability * bins));
  }

  public void add(double probability, boolean positiveLabel) {
    int bin = binOf(probability, bins());
    if (positiveLabel) {
      positive[bin]++;
    } else {
      negative[bin]++;
    }
  }

  /** Adds reported counts bin by bin. */
  public void add(List<Long> positiveCounts, List<Long> negativeCounts) {
    if (positiveCounts.size() != bins() || negativeCounts.size() != bins()) {
      throw new IllegalArgumentException("expected " + bins() + " bins, got "
          + positiveCounts.size() + " positive and " + negativeCounts.size() + " negative");
    }
    for (int b = 0; b < bins(); b++) {
      long p = positiveCounts.get(b);
      long n = negativeCounts.get(b);
      if (p < 0 || n < 0) {
        throw new IllegalArgumentException("histogram counts must not be negative (bin " + b + ")");
      }
      positive[b] += p;
      negative[b] += n;
    }
  }

  public long[] positive() {
    return positive.clone();
  }

  public long[] negative() {
    return negative.clone();
  }

  public List<Long> positiveCounts() {
    return Arrays.stream(positive).boxed().toList();
  }

  public List<Long> negativeCounts() {
    return Arrays.stream(negative).boxed().toList();
  }

  public double auc() {
    return Auc.fromHistograms(positive, negative);
  }
}
