package io.cohort.model.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ForwardPassTest {

  /** 2 inputs, one hidden layer of 2, 2 classes; values chosen to be computed by hand. */
  static final ModelArchitecture SMALL_MLP = mlp(2, List.of(2), 2);
  static final float[] SMALL_MLP_PARAMS = {
      1, -1, 2, 0.5f, // layer0.weight [2, 2]
      0, -1, //          layer0.bias
      1, 1, -1, 0.5f, // layer1.weight [2, 2]
      0.5f, 0}; //       layer1.bias
  /** Row 0 = (1, 2): hidden (-1, 2) -> ReLU (0, 2) -> logits (2.5, 1). Row 1 = (0, 0): (0.5, 0). */
  static final float[] TWO_ROWS = {1, 2, 0, 0};

  @Test
  void mlpLogitsMatchAHandComputedExample() {
    float[] logits = new ForwardPass(SMALL_MLP).logits(SMALL_MLP_PARAMS, TWO_ROWS);

    assertThat(logits).containsExactly(2.5f, 1f, 0.5f, 0f);
  }

  @Test
  void probabilitiesAreTheSoftmaxOfEachRow() {
    float[] p = new ForwardPass(SMALL_MLP).probabilities(SMALL_MLP_PARAMS, TWO_ROWS);

    double sigmoidOf15 = 1 / (1 + Math.exp(-1.5));
    double sigmoidOf05 = 1 / (1 + Math.exp(-0.5));
    assertThat(p[0]).isCloseTo((float) sigmoidOf15, within(1e-6f));
    assertThat(p[1]).isCloseTo((float) (1 - sigmoidOf15), within(1e-6f));
    assertThat(p[2]).isCloseTo((float) sigmoidOf05, within(1e-6f));
    assertThat(p[3]).isCloseTo((float) (1 - sigmoidOf05), within(1e-6f));
  }

  @Test
  void logisticModelIsOneLinearLayerWithoutReLU() {
    ModelArchitecture logistic = new ModelArchitecture(ModelSpec.newBuilder()
        .setArchitecture("logistic").setInputFeatures(2).setNumClasses(3).build());
    float[] params = {1, 0, 0, 1, -1, -1, /* bias */ 0.5f, 0, -2};

    float[] logits = new ForwardPass(logistic).logits(params, new float[] {3, -4});

    assertThat(logits).containsExactly(3.5f, -4f, -1f);
  }

  @Test
  void deepMlpOverManyBlocksMatchesAReferenceImplementation() {
    ModelArchitecture deep = mlp(6, List.of(5, 4, 3), 3);
    float[] params = deep.initialize(7);
    SplittableRandom random = new SplittableRandom(11);
    int rows = 3 * ForwardPass.ROWS_PER_BLOCK + 17;
    float[] features = new float[rows * 6];
    for (int i = 0; i < features.length; i++) {
      features[i] = (float) random.nextDouble(-3, 3);
    }

    float[] logits = new ForwardPass(deep).logits(params, features);

    for (int r = 0; r < rows; r++) {
      double[] expected = referenceLogits(deep, params, features, r);
      for (int c = 0; c < 3; c++) {
        assertThat((double) logits[r * 3 + c]).isCloseTo(expected[c], within(1e-5));
      }
    }
  }

  @Test
  void refusesAParameterVectorOfAnotherModel() {
    ForwardPass pass = new ForwardPass(SMALL_MLP);

    assertThatThrownBy(() -> pass.logits(new float[11], TWO_ROWS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model has 12 parameters, got 11");
  }

  @Test
  void refusesFeaturesThatAreNotWholeRows() {
    ForwardPass pass = new ForwardPass(SMALL_MLP);

    assertThatThrownBy(() -> pass.logits(SMALL_MLP_PARAMS, new float[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not rows of 2");
  }

  static ModelArchitecture mlp(int in, List<Integer> hidden, int classes) {
    return new ModelArchitecture(ModelSpec.newBuilder().setArchitecture("mlp")
        .setInputFeatures(in).addAllHiddenLayers(hidden).setNumClasses(classes).build());
  }

  /** Textbook matrix-vector products on one row, in double, reading tensors by name. */
  private static double[] referenceLogits(ModelArchitecture architecture, float[] params,
      float[] features, int row) {
    var layout = architecture.layout();
    double[] x = new double[architecture.layer(0)[0]];
    for (int k = 0; k < x.length; k++) {
      x[k] = features[row * x.length + k];
    }
    for (int i = 0; i < architecture.depth(); i++) {
      int[] io = architecture.layer(i);
      int w = layout.offsetOf("layer" + i + ".weight");
      int b = layout.offsetOf("layer" + i + ".bias");
      double[] y = new double[io[1]];
      for (int o = 0; o < io[1]; o++) {
        y[o] = params[b + o];
        for (int k = 0; k < io[0]; k++) {
          y[o] += params[w + o * io[0] + k] * x[k];
        }
        if (i < architecture.depth() - 1) {
          y[o] = Math.max(0, y[o]);
        }
      }
      x = y;
    }
    return x;
  }
}
