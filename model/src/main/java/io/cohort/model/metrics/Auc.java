package io.cohort.model.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Area under the ROC curve: the probability that a random positive example scores higher than a
 * random negative one, ties counting one half. NaN when either class is absent.
 */
public final class Auc {

  private Auc() {}

  /**
   * The AUC of scores binned into histograms over equal bins in ascending score order. Examples in
   * the same bin count as ties, so the result differs from {@link #exact} by at most half the
   * fraction of positive/negative pairs that share a bin.
   */
  public static double fromHistograms(long[] positive, long[] negative) {
    if (positive.length != negative.length) {
      throw new IllegalArgumentException("histograms differ in bins: " + positive.length
          + " positive, " + negative.length + " negative");
    }
    double positives = 0;
    double negatives = 0;
    double wins = 0;
    for (int b = 0; b < positive.length; b++) {
      if (positive[b] < 0 || negative[b] < 0) {
        throw new IllegalArgumentException("histogram counts must not be negative (bin " + b + ")");
      }
      wins += positive[b] * (negatives + 0.5 * negative[b]);
      positives += positive[b];
      negatives += negative[b];
    }
    return positives == 0 || negatives == 0 ? Double.NaN : wins / (positives * negatives);
  }

  /** The exact AUC of per-example scores (Mann-Whitney U with average ranks for ties). */
  public static double exact(double[] scores, boolean[] positive) {
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + positive.length
          + " labels");
    }
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double positiveRankSum = 0;
    long positives = 0;
    for (int start = 0; start < order.length; ) {
      int end = start;
      while (end < order.length && scores[order[end]] == scores[order[start]]) {
        end++;
      }
      double averageRank = (start + 1 + end) / 2.0; // ranks start..end-1, 1-based
      for (int k = start; k < end; k++) {
        if (positive[order[k]]) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      start = end;
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
