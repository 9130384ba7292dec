package io.cohort.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.cohort.edge.data.TabularData;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.metrics.Auc;
import io.cohort.model.metrics.ScoreHistogram;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.ModelSpec;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  /** One feature x; weights [[0], [1]], biases 0: logits (0, x), so P(class 1) = sigmoid(x). */
  private static final ModelArchitecture LOGISTIC = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("logistic").setInputFeatures(1).setNumClasses(2).build());
  private static final float[] SIGMOID_OF_X = {0f, 1f, 0f, 0f};

  @AutoClose
  private static final NDManager manager =
      DjlRuntime.start(DjlRuntime.Settings.defaults()).newManager();

  @Test
  void metricsOfAHandMadeCase() {
    float[] x = {-2f, -1f, 1f, 2f, 0.5f};
    int[] y = {0, 1, 1, 0, 1};
    double[] p = new double[x.length];
    boolean[] positive = new boolean[x.length];
    double lossSum = 0;
    ScoreHistogram expected = new ScoreHistogram();
    for (int i = 0; i < x.length; i++) {
      p[i] = 1 / (1 + Math.exp(-x[i]));
      positive[i] = y[i] == 1;
      lossSum -= Math.log(positive[i] ? p[i] : 1 - p[i]);
      expected.add(p[i], positive[i]);
    }

    EvaluationResult result = new Evaluator(LOGISTIC, manager)
        .evaluate(SIGMOID_OF_X, new TabularData(x, y, 1, 2));

    // predicted classes 0, 0, 1, 1, 1 against labels 0, 1, 1, 0, 1: three right
    assertThat(result.getCorrect()).isEqualTo(3);
    assertThat(result.getMetrics().getAccuracy()).isEqualTo(0.6);
    assertThat(result.getLossSum()).isCloseTo(lossSum, within(1e-5));
    assertThat(result.getMetrics().getLoss()).isCloseTo(lossSum / 5, within(1e-6));
    // positives score 0.27, 0.73, 0.62; negatives 0.12, 0.88: 3 of 6 pairs won
    assertThat(result.getMetrics().getAuc()).isCloseTo(0.5, within(1e-12))
        .isEqualTo(Auc.exact(p, positive));
    assertThat(result.getMetrics().getExamples()).isEqualTo(5);
    assertThat(result.getPositiveScoreHistogramList()).hasSize(100)
        .isEqualTo(expected.positiveCounts());
    assertThat(result.getNegativeScoreHistogramList()).isEqualTo(expected.negativeCounts());
  }

  @Test
  void repeatedEvaluationsLeaveNoArraysBehind() {
    Evaluator evaluator = new Evaluator(LOGISTIC, manager);
    TabularData data = new TabularData(new float[] {-1f, 1f}, new int[] {0, 1}, 1, 2);
    int before = manager.getManagedArrays().size();

    for (int i = 0; i < 100; i++) {
      evaluator.evaluate(SIGMOID_OF_X, data);
    }

    assertThat(manager.getManagedArrays()).hasSize(before);
  }

  @Test
  void multiClassTasksHaveNoHistogramsAndNoAuc() {
    ModelArchitecture threeClasses = new ModelArchitecture(ModelSpec.newBuilder()
        .setArchitecture("logistic").setInputFeatures(1).setNumClasses(3).build());

    EvaluationResult result = new Evaluator(threeClasses, manager).evaluate(new float[6],
        new TabularData(new float[] {1f, 2f}, new int[] {0, 2}, 1, 3));

    // all logits equal: every class has probability 1/3, argmax picks class 0
    assertThat(result.getLossSum()).isCloseTo(2 * Math.log(3), within(1e-5));
    assertThat(result.getCorrect()).isEqualTo(1);
    assertThat(result.getMetrics().getAuc()).isNaN();
    assertThat(result.getPositiveScoreHistogramList()).isEmpty();
  }
}
