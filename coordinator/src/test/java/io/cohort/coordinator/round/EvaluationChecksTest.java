package io.cohort.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Metrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationChecksTest {

  static EvaluationResult.Builder report(long examples, long correct, double lossSum) {
    return EvaluationResult.newBuilder().setTaskId("t")
        .setMetrics(Metrics.newBuilder().setExamples(examples)).setCorrect(correct)
        .setLossSum(lossSum);
  }

  static List<Long> bins(long first) {
    List<Long> h = new ArrayList<>(Collections.nCopies(EvaluationChecks.HISTOGRAM_BINS, 0L));
    h.set(0, first);
    return h;
  }

  @Test
  void consistentReportsPassWithOrWithoutHistograms() {
    assertThat(EvaluationChecks.problem(report(10, 7, 4.2).build())).isNull();
    assertThat(EvaluationChecks.problem(report(0, 0, 0).build())).isNull();
    assertThat(EvaluationChecks.problem(report(10, 7, 4.2)
        .addAllPositiveScoreHistogram(bins(4)).addAllNegativeScoreHistogram(bins(6)).build()))
        .isNull();
  }

  @Test
  void countsThatCannotBeTrueAreNamed() {
    assertThat(EvaluationChecks.problem(report(-1, 0, 0).build()))
        .isEqualTo("metrics.examples is negative (-1)");
    assertThat(EvaluationChecks.problem(report(5, 6, 1).build()))
        .isEqualTo("correct 6 is not in [0, examples=5]");
    assertThat(EvaluationChecks.problem(report(5, -1, 1).build()))
        .startsWith("correct -1 is not in");
  }

  @Test
  void aLossSumMustBeFiniteAndNotNegative() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.5}) {
      assertThat(EvaluationChecks.problem(report(5, 1, bad).build()))
          .startsWith("loss_sum ").endsWith("is not a finite number >= 0");
    }
  }

  @Test
  void histogramsMustHaveTheBinsAndAddUpToTheExamples() {
    assertThat(EvaluationChecks.problem(report(10, 7, 1)
        .addAllPositiveScoreHistogram(bins(10)).build()))
        .isEqualTo("score histograms must have 100 bins each, got 100 positive and 0 negative");
    assertThat(EvaluationChecks.problem(report(10, 7, 1)
        .addAllPositiveScoreHistogram(bins(4)).addAllNegativeScoreHistogram(bins(5)).build()))
        .isEqualTo("score histograms count 9 examples, metrics.examples says 10");
    assertThat(EvaluationChecks.problem(report(10, 7, 1)
        .addAllPositiveScoreHistogram(bins(-4)).addAllNegativeScoreHistogram(bins(14)).build()))
        .isEqualTo("score histograms hold a negative count (-4)");
    // Counts that overflow a long must not wrap around to a plausible total.
    List<Long> huge = bins(Long.MAX_VALUE);
    huge.set(1, Long.MAX_VALUE);
    huge.set(2, 2L);
    assertThat(EvaluationChecks.problem(report(0, 0, 0).addAllPositiveScoreHistogram(huge)
        .addAllNegativeScoreHistogram(bins(0)).build()))
        .startsWith("score histograms count more examples than metrics.examples");
  }

  @Test
  void noExamplesMeansNoLossAndSiteMetricsMustBeInRange() {
    assertThat(EvaluationChecks.problem(report(0, 0, 1e300).build()))
        .isEqualTo("loss_sum 1.0E300 without examples");
    assertThat(EvaluationChecks.problem(report(10, 7, 4).setMetrics(io.cohort.proto.v1.Metrics
        .newBuilder().setExamples(10).setAccuracy(7)).build()))
        .isEqualTo("metrics.accuracy and metrics.auc must be NaN or in [0, 1], got 7.0");
    assertThat(EvaluationChecks.problem(report(10, 7, 4).setMetrics(io.cohort.proto.v1.Metrics
        .newBuilder().setExamples(10).setLoss(-1)).build()))
        .startsWith("metrics.loss -1.0 is not NaN");
    assertThat(EvaluationChecks.problem(report(0, 0, 0).setMetrics(io.cohort.proto.v1.Metrics
        .newBuilder().setLoss(Double.NaN).setAccuracy(Double.NaN).setAuc(Double.NaN)).build()))
        .isNull();
  }
}
