package io.cohort.model.metrics;

/** Area under the ROC curve. */
public final class Auc {

  private Auc() {}

  /**
   * AUC from histograms of positive-class scores over equal bins of [0, 1], one for positive and
   * one for negative examples: P(score_pos > score_neg) with ties within a bin counted as half.
   * NaN when either class is absent.
   */
  public static double fromHistograms(long[] positive, long[] negative) {
    if (positive.length != negative.length) {
      throw new IllegalArgumentException("histograms must have the same number of bins");
    }
    double pairs = 0;
    long negBelow = 0;
    long totalPos = 0;
    long totalNeg = 0;
    for (int b = 0; b < positive.length; b++) {
      pairs += positive[b] * (negBelow + 0.5 * negative[b]);
      negBelow += negative[b];
      totalPos += positive[b];
      totalNeg += negative[b];
    }
    if (totalPos == 0 || totalNeg == 0) {
      return Double.NaN;
    }
    return pairs / ((double) totalPos * totalNeg);
  }
}
