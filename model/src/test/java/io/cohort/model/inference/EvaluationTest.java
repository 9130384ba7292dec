package io.cohort.model.inference;

import static io.cohort.model.inference.ForwardPassTest.SMALL_MLP;
import static io.cohort.model.inference.ForwardPassTest.SMALL_MLP_PARAMS;
import static io.cohort.model.inference.ForwardPassTest.TWO_ROWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.metrics.Auc;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  @Test
  void metricsOfAHandComputedExample() {
    // row 0: logits (2.5, 1), label 0, correct; row 1: logits (0.5, 0), label 1, wrong.
    ValidationSet set = new ValidationSet(TWO_ROWS, new int[] {0, 1}, 2, 2);

    Evaluation evaluation = Evaluation.of(SMALL_MLP, SMALL_MLP_PARAMS, set);

    double lossRow0 = -Math.log(1 / (1 + Math.exp(-1.5)));
    double lossRow1 = -Math.log(1 - 1 / (1 + Math.exp(-0.5)));
    assertThat(evaluation.examples()).isEqualTo(2);
    assertThat(evaluation.accuracy()).isEqualTo(0.5);
    assertThat(evaluation.loss()).isCloseTo((lossRow0 + lossRow1) / 2, within(1e-6));
    // the positive row has class-1 probability 0.38, the negative one 0.18
    assertThat(evaluation.auc()).isEqualTo(1.0);
  }

  @Test
  void metricsOverManyChunksMatchThoseComputedFromProbabilities() {
    ModelArchitecture model = ForwardPassTest.mlp(4, List.of(8), 2);
    float[] params = model.initialize(3);
    SplittableRandom random = new SplittableRandom(5);
    int rows = 1000;
    float[] features = new float[rows * 4];
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = random.nextInt(2);
      for (int k = 0; k < 4; k++) {
        features[r * 4 + k] = (float) (random.nextGaussian() + labels[r]);
      }
    }

    Evaluation evaluation = Evaluation.of(model, params, new ValidationSet(features, labels, 4, 2));

    float[] p = new ForwardPass(model).probabilities(params, features);
    double loss = 0;
    int correct = 0;
    double[] scores = new double[rows];
    boolean[] positive = new boolean[rows];
    for (int r = 0; r < rows; r++) {
      loss -= Math.log(p[2 * r + labels[r]]);
      correct += (p[2 * r + 1] > p[2 * r] ? 1 : 0) == labels[r] ? 1 : 0;
      scores[r] = p[2 * r + 1];
      positive[r] = labels[r] == 1;
    }
    assertThat(evaluation.accuracy()).isEqualTo((double) correct / rows);
    assertThat(evaluation.loss()).isCloseTo(loss / rows, within(1e-5));
    assertThat(evaluation.auc()).isCloseTo(Auc.exact(scores, positive), within(1e-9));
  }

  @Test
  void aucIsUndefinedForMoreThanTwoClasses() {
    ModelArchitecture threeClasses = ForwardPassTest.mlp(2, List.of(2), 3);
    ValidationSet set = new ValidationSet(TWO_ROWS, new int[] {0, 2}, 2, 3);

    Evaluation evaluation = Evaluation.of(threeClasses, threeClasses.initialize(1), set);

    assertThat(evaluation.auc()).isNaN();
    assertThat(evaluation.loss()).isFinite();
  }

  @Test
  void refusesAValidationSetWithAnotherSchema() {
    ValidationSet threeFeatures = new ValidationSet(new float[] {1, 2, 3}, new int[] {1}, 3, 2);

    assertThatThrownBy(() -> Evaluation.of(SMALL_MLP, SMALL_MLP_PARAMS, threeFeatures))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validation set has 3 features");
  }

  @Test
  void validationSetRefusesLabelsOutsideItsClassesAndRaggedRows() {
    assertThatThrownBy(() -> new ValidationSet(TWO_ROWS, new int[] {0, 2}, 2, 2))
        .hasMessageContaining("label of row 1 is 2");
    assertThatThrownBy(() -> new ValidationSet(TWO_ROWS, new int[] {0, 1, 1}, 2, 2))
        .hasMessageContaining("3 labels need 6 feature values");
    assertThatThrownBy(() -> new ValidationSet(new float[0], new int[0], 2, 2))
        .hasMessageContaining("at least one row");
  }
}
