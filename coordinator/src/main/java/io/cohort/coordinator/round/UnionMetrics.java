package io.cohort.coordinator.round;

import io.cohort.model.metrics.Auc;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Metrics;
import java.util.Collection;

/**
 * Metrics of the union of all nodes' held-out splits, computed from what each node reported
 * (sums, counts and score histograms), never from records: loss and accuracy are exact, AUC is
 * exact up to the histogram's bin width.
 */
final class UnionMetrics {

  private UnionMetrics() {}

  static Metrics of(Collection<EvaluationResult> results) {
    long examples = 0;
    long correct = 0;
    double lossSum = 0;
    long[] pos = null;
    long[] neg = null;
    for (EvaluationResult r : results) {
      examples += r.getMetrics().getExamples();
      correct += r.getCorrect();
      lossSum += r.getLossSum();
      if (r.getPositiveScoreHistogramCount() > 0) {
        pos = add(pos, r.getPositiveScoreHistogramList());
        neg = add(neg, r.getNegativeScoreHistogramList());
      }
    }
    if (examples == 0) {
      return Metrics.newBuilder().setLoss(Double.NaN).setAccuracy(Double.NaN)
          .setAuc(Double.NaN).build();
    }
    double auc = pos == null ? Double.NaN : Auc.fromHistograms(pos, neg);
    return Metrics.newBuilder().setExamples(examples).setLoss(lossSum / examples)
        .setAccuracy((double) correct / examples).setAuc(auc).build();
  }

  private static long[] add(long[] acc, java.util.List<Long> hist) {
    if (acc == null) {
      acc = new long[hist.size()];
    }
    if (hist.size() != acc.length) {
      throw new IllegalArgumentException("score histograms have different bin counts");
    }
    for (int i = 0; i < acc.length; i++) {
      acc[i] += hist.get(i);
    }
    return acc;
  }
}
