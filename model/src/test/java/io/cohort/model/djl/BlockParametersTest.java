package io.cohort.model.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.model.layout.TensorShape;
import io.cohort.proto.v1.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class BlockParametersTest {

  private static final ModelArchitecture MLP = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("mlp").setInputFeatures(5).setNumClasses(3)
      .addHiddenLayers(8).addHiddenLayers(4).build());

  @AutoClose
  private static final NDManager manager =
      DjlRuntime.start(DjlRuntime.Settings.defaults()).newManager();

  @Test
  void writeThenReadReturnsTheVectorExactly() {
    float[] values = randomValues(MLP.layout().totalElements(), 1);
    try (NDManager m = manager.newSubManager()) {
      Block block = ModelBlocks.initialized(MLP, m);
      BlockParameters parameters = new BlockParameters(MLP);

      parameters.write(block, values);

      assertThat(parameters.read(block)).containsExactly(values);
    }
  }

  @Test
  void blockComputesTheLogitsOfTheCanonicalLayout() {
    float[] values = randomValues(MLP.layout().totalElements(), 2);
    float[] input = {0.5f, -1f, 2f, 0.25f, -0.75f};
    try (NDManager m = manager.newSubManager()) {
      Block block = ModelBlocks.load(MLP, m, values);

      NDArray logits = block.forward(new ParameterStore(m, false),
          new NDList(m.create(input, new Shape(1, 5))), false).singletonOrThrow();

      assertThat(logits.toFloatArray()).containsExactly(referenceForward(values, input),
          within(1e-5f));
    }
  }

  @Test
  void writeKeepsTheSameArraysAndTheirGradients() {
    try (NDManager m = manager.newSubManager()) {
      Block block = ModelBlocks.initialized(MLP, m);
      BlockParameters parameters = new BlockParameters(MLP);
      List<NDArray> before = arrays(parameters, block);

      parameters.write(block, randomValues(MLP.layout().totalElements(), 3));

      assertThat(arrays(parameters, block)).containsExactlyElementsOf(before);
      try (GradientCollector collector = m.getEngine().newGradientCollector()) {
        NDArray out = block.forward(new ParameterStore(m, false),
            new NDList(m.ones(new Shape(2, 5))), true).singletonOrThrow();
        collector.backward(out.square().sum());
      }
      for (NDArray array : before) {
        try (NDArray gradient = array.getGradient()) {
          assertThat(gradient.abs().sum().getFloat()).as(array.getName()).isPositive();
        }
      }
    }
  }

  @Test
  void frozenTensorsDoNotRequireGradients() {
    ModelArchitecture frozen = new ModelArchitecture(MLP.spec().toBuilder()
        .addFrozenTensors("layer0.weight").addFrozenTensors("layer0.bias").build());
    try (NDManager m = manager.newSubManager()) {
      Block block = ModelBlocks.initialized(frozen, m);
      BlockParameters parameters = new BlockParameters(frozen);

      assertThat(parameters.parameter(block, "layer0.weight").requiresGradient()).isFalse();
      assertThat(parameters.parameter(block, "layer0.bias").requiresGradient()).isFalse();
      assertThat(parameters.parameter(block, "layer1.weight").requiresGradient()).isTrue();
    }
  }

  @Test
  void writeRefusesAVectorOfTheWrongLength() {
    try (NDManager m = manager.newSubManager()) {
      Block block = ModelBlocks.initialized(MLP, m);

      assertThatThrownBy(() -> new BlockParameters(MLP).write(block, new float[7]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has 7 values")
          .hasMessageContaining("needs " + MLP.layout().totalElements());
    }
  }

  @Test
  void writeRefusesABlockOfAnotherShapeNamingTheTensor() {
    ModelArchitecture wider = new ModelArchitecture(MLP.spec().toBuilder().setInputFeatures(6)
        .build());
    try (NDManager m = manager.newSubManager()) {
      Block block = ModelBlocks.initialized(wider, m);

      assertThatThrownBy(() -> new BlockParameters(MLP).write(block,
          new float[MLP.layout().totalElements()]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tensor layer0.weight")
          .hasMessageContaining("(8, 6)");
    }
  }

  @Test
  void repeatedWritesAndReadsDoNotAccumulateArrays() {
    try (NDManager m = manager.newSubManager()) {
      Block block = ModelBlocks.initialized(MLP, m);
      BlockParameters parameters = new BlockParameters(MLP);
      float[] values = randomValues(MLP.layout().totalElements(), 4);
      int before = m.getManagedArrays().size();

      for (int i = 0; i < 200; i++) {
        parameters.write(block, values);
        parameters.read(block);
      }

      assertThat(m.getManagedArrays()).hasSize(before);
    }
  }

  private static List<NDArray> arrays(BlockParameters parameters, Block block) {
    List<NDArray> arrays = new ArrayList<>();
    for (TensorShape t : parameters.layout().tensors()) {
      arrays.add(parameters.parameter(block, t.name()).getArray());
    }
    return arrays;
  }

  static float[] randomValues(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }

  /** Linear layers W x + b with W [out, in] row-major, ReLU between: the layout's meaning. */
  private static float[] referenceForward(float[] values, float[] input) {
    ParameterLayout layout = MLP.layout();
    float[] a = input;
    for (int i = 0; i < MLP.depth(); i++) {
      int in = MLP.layer(i)[0];
      int out = MLP.layer(i)[1];
      int w = layout.offsetOf("layer" + i + ".weight");
      int b = layout.offsetOf("layer" + i + ".bias");
      float[] next = new float[out];
      for (int o = 0; o < out; o++) {
        double sum = values[b + o];
        for (int k = 0; k < in; k++) {
          sum += values[w + o * in + k] * a[k];
        }
        next[o] = i < MLP.depth() - 1 ? (float) Math.max(0, sum) : (float) sum;
      }
      a = next;
    }
    return a;
  }
}
