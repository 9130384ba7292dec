package io.cohort.coordinator.round;

import io.cohort.model.metrics.ScoreHistogram;
import io.cohort.proto.v1.EvaluationResult;
import java.util.List;

/**
 * What a node's evaluation report must satisfy before it counts towards the round's union
 * metrics: one inconsistent report would otherwise poison the federation's loss, accuracy and AUC
 * (or, with histograms of another size, stop the union from being computed at all).
 */
public final class EvaluationChecks {

  /** Score histogram bins every report must have: the reference client's. */
  public static final int HISTOGRAM_BINS = ScoreHistogram.DEFAULT_BINS;

  private EvaluationChecks() {}

  /** The node's own metrics (shown per site): NaN where undefined, else in range. */
  private static String siteMetricsProblem(EvaluationResult r) {
    double loss = r.getMetrics().getLoss();
    double accuracy = r.getMetrics().getAccuracy();
    double auc = r.getMetrics().getAuc();
    if (!Double.isNaN(loss) && !(loss >= 0 && loss < Double.POSITIVE_INFINITY)) {
      return "metrics.loss " + loss + " is not NaN or a finite number >= 0";
    }
    for (double v : new double[] {accuracy, auc}) {
      if (!Double.isNaN(v) && !(v >= 0 && v <= 1)) {
        return "metrics.accuracy and metrics.auc must be NaN or in [0, 1], got " + v;
      }
    }
    return null;
  }

  /** What is wrong with {@code r}, or null when it can be counted. */
  public static String problem(EvaluationResult r) {
    long examples = r.getMetrics().getExamples();
    if (examples < 0) {
      return "metrics.examples is negative (" + examples + ")";
    }
    if (r.getCorrect() < 0 || r.getCorrect() > examples) {
      return "correct " + r.getCorrect() + " is not in [0, examples=" + examples + "]";
    }
    if (!(r.getLossSum() >= 0) || Double.isInfinite(r.getLossSum())) {
      return "loss_sum " + r.getLossSum() + " is not a finite number >= 0";
    }
    if (examples == 0 && r.getLossSum() != 0) {
      return "loss_sum " + r.getLossSum() + " without examples";
    }
    String site = siteMetricsProblem(r);
    if (site != null) {
      return site;
    }
    List<Long> pos = r.getPositiveScoreHistogramList();
    List<Long> neg = r.getNegativeScoreHistogramList();
    if (pos.isEmpty() && neg.isEmpty()) {
      return null; // no AUC from this node (multi-class, or a client that sends none)
    }
    if (pos.size() != HISTOGRAM_BINS || neg.size() != HISTOGRAM_BINS) {
      return "score histograms must have " + HISTOGRAM_BINS + " bins each, got "
          + pos.size() + " positive and " + neg.size() + " negative";
    }
    long total = 0;
    for (List<Long> h : List.of(pos, neg)) {
      for (long count : h) {
        if (count < 0) {
          return "score histograms hold a negative count (" + count + ")";
        }
        total += count;
        if (total < 0 || total > examples) { // also catches an overflowing sum
          return "score histograms count more examples than metrics.examples (" + examples
              + ")";
        }
      }
    }
    if (total != examples) {
      return "score histograms count " + total + " examples, metrics.examples says "
          + examples;
    }
    return null;
  }
}
