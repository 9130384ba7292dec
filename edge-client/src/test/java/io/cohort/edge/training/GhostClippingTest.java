package io.cohort.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import io.cohort.edge.data.TabularData;
import io.cohort.model.djl.BlockParameters;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.djl.ModelBlocks;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.TensorShape;
import io.cohort.proto.v1.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GhostClippingTest {

  @AutoClose
  private static final NDManager manager =
      DjlRuntime.start(DjlRuntime.Settings.defaults()).newManager();

  private static final ModelSpec DEEP = ModelSpec.newBuilder().setArchitecture("mlp")
      .setInputFeatures(6).setNumClasses(3).addHiddenLayers(16).addHiddenLayers(8).build();
  private static final ModelSpec LOGISTIC = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(10).setNumClasses(2).build();

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("deep mlp", DEEP),
        Arguments.of("logistic", LOGISTIC),
        Arguments.of("frozen first weight", DEEP.toBuilder()
            .addFrozenTensors("layer0.weight").build()),
        Arguments.of("frozen biases", DEEP.toBuilder().addFrozenTensors("layer1.bias")
            .addFrozenTensors("layer2.bias").build()),
        Arguments.of("frozen middle layer", DEEP.toBuilder().addFrozenTensors("layer1.weight")
            .addFrozenTensors("layer1.bias").build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void ghostClippedSumMatchesOneBackwardPerExampleToOnePartIn100000(String name,
      ModelSpec spec) {
    ModelArchitecture architecture = new ModelArchitecture(spec);
    TabularData data = Blobs.make(48, spec.getInputFeatures(), 1.5, 11);
    data = new TabularData(data.features(), labelsModulo(data, spec.getNumClasses()),
        spec.getInputFeatures(), spec.getNumClasses());
    float[] parameters = architecture.initialize(5);
    double[][] reference = referenceClippedSum(architecture, parameters, data, Double.MAX_VALUE);
    double medianNorm = median(perExampleNorms(architecture, parameters, data));
    double clipNorm = medianNorm; // about half of the examples are clipped

    List<float[]> ghost = ghostClippedSum(architecture, parameters, data, clipNorm, false);
    List<float[]> ghostWithNorms = ghostClippedSum(architecture, parameters, data, clipNorm, true);
    double[][] expected = referenceClippedSum(architecture, parameters, data, clipNorm);

    assertThat(ghost).hasSize(expected.length);
    for (int t = 0; t < expected.length; t++) {
      assertThat(relativeError(ghost.get(t), expected[t])).as("tensor %d", t).isLessThan(1e-5);
      assertThat(relativeError(ghostWithNorms.get(t), expected[t])).isLessThan(1e-5);
      assertThat(relativeError(ghost.get(t), reference[t])).as("clipping changed the sum")
          .isGreaterThan(1e-3);
    }
  }

  @Test
  void withAHugeClipNormNothingIsClippedAndTheSumIsThePlainGradient() {
    ModelArchitecture architecture = new ModelArchitecture(DEEP);
    TabularData data = Blobs.make(32, 6, 1.0, 3);
    data = new TabularData(data.features(), labelsModulo(data, 3), 6, 3);
    float[] parameters = architecture.initialize(8);

    List<float[]> ghost = ghostClippedSum(architecture, parameters, data, 1e9, false);
    double[][] unclipped = referenceClippedSum(architecture, parameters, data, Double.MAX_VALUE);

    for (int t = 0; t < unclipped.length; t++) {
      assertThat(relativeError(ghost.get(t), unclipped[t])).isLessThan(1e-5);
    }
  }

  @Test
  void everyClippedExampleHasNormAtMostC() {
    ModelArchitecture architecture = new ModelArchitecture(DEEP);
    TabularData data = Blobs.make(1, 6, 3.0, 4);
    data = new TabularData(data.features(), labelsModulo(data, 3), 6, 3);
    float[] parameters = architecture.initialize(2);
    double norm = perExampleNorms(architecture, parameters, data)[0];

    List<float[]> ghost = ghostClippedSum(architecture, parameters, data, norm / 10, false);

    double clippedNorm = Math.sqrt(ghost.stream().mapToDouble(GhostClippingTest::squaredNorm)
        .sum());
    assertThat(clippedNorm).isCloseTo(norm / 10, org.assertj.core.data.Percentage.withPercentage(
        1e-3));
  }

  @Test
  void aModelWithALayerWithoutAPerExampleNormIsRefused() {
    SequentialBlock block = new SequentialBlock()
        .add(Linear.builder().setUnits(8).build())
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(2).build());
    ModelArchitecture architecture = new ModelArchitecture(ModelSpec.newBuilder()
        .setArchitecture("mlp").setInputFeatures(4).setNumClasses(2).addHiddenLayers(8).build());
    try (NDManager run = manager.newSubManager()) {
      block.setInitializer(Initializer.ONES, p -> true);
      block.initialize(run, DataType.FLOAT32, new Shape(2, 4));

      assertThatThrownBy(() -> GhostClipping.of(block, architecture, run))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DP-SGD cannot train this model")
          .hasMessageContaining("layer 1")
          .hasMessageContaining("BatchNorm")
          .hasMessageContaining("supported: Linear layers");
    }
  }

  @Test
  void aCustomLambdaLayerIsRefusedToo() {
    SequentialBlock block = new SequentialBlock()
        .add(Linear.builder().setUnits(2).build())
        .add(ai.djl.nn.LambdaBlock.singleton(a -> a.sub(a.mean()), "centre"));
    ModelArchitecture architecture = new ModelArchitecture(LOGISTIC.toBuilder()
        .setInputFeatures(4).build());
    try (NDManager run = manager.newSubManager()) {
      block.initialize(run, DataType.FLOAT32, new Shape(2, 4));

      assertThatThrownBy(() -> GhostClipping.of(block, architecture, run))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'centre'");
    }
  }

  // --- the kernel, and the slow reference: one backward pass per example ---

  private static List<float[]> ghostClippedSum(ModelArchitecture architecture, float[] parameters,
      TabularData data, double clipNorm, boolean passInputNorms) {
    GradMode.offOnThisThread(manager);
    try (NDManager run = manager.newSubManager()) {
      var block = ModelBlocks.load(architecture, run, parameters);
      GhostClipping kernel = GhostClipping.of(block, architecture, run);
      int[] rows = allRows(data);
      NDArray x = ModelInputs.features(run, data, rows, 0, rows.length);
      NDArray y = ModelInputs.labels(run, data, rows, 0, rows.length);
      float[] inputNorms = passInputNorms ? x.square().sum(new int[] {1}).toFloatArray() : null;
      GhostClipping.Pass pass;
      try (GradientCollector collector = run.getEngine().newGradientCollector()) {
        pass = kernel.forward(run, x, inputNorms);
        collector.backward(ModelInputs.crossEntropy(pass.logits(), y).sum());
      }
      NDList sums = pass.clippedSum(run, clipNorm, 1.0);
      List<String> names = architecture.trainableLayout().tensors().stream()
          .map(TensorShape::name).toList();
      assertThat(sums.stream().map(NDArray::getName).toList()).isEqualTo(names);
      List<float[]> out = new ArrayList<>();
      for (NDArray sum : sums) {
        out.add(sum.toFloatArray());
      }
      return out;
    }
  }

  /** Sum over examples of min(1, C / |g_i|) g_i, each g_i from its own backward pass. */
  static double[][] referenceClippedSum(ModelArchitecture architecture, float[] parameters,
      TabularData data, double clipNorm) {
    List<float[][]> perExample = perExampleGradients(architecture, parameters, data);
    List<TensorShape> tensors = architecture.trainableLayout().tensors();
    double[][] sum = new double[tensors.size()][];
    for (int t = 0; t < tensors.size(); t++) {
      sum[t] = new double[(int) tensors.get(t).elements()];
    }
    for (float[][] g : perExample) {
      double norm = Math.sqrt(Arrays.stream(g).mapToDouble(GhostClippingTest::squaredNorm).sum());
      double factor = Math.min(1.0, clipNorm / norm);
      for (int t = 0; t < g.length; t++) {
        for (int k = 0; k < g[t].length; k++) {
          sum[t][k] += factor * g[t][k];
        }
      }
    }
    return sum;
  }

  static double[] perExampleNorms(ModelArchitecture architecture, float[] parameters,
      TabularData data) {
    return perExampleGradients(architecture, parameters, data).stream()
        .mapToDouble(g -> Math.sqrt(Arrays.stream(g).mapToDouble(GhostClippingTest::squaredNorm)
            .sum())).toArray();
  }

  private static List<float[][]> perExampleGradients(ModelArchitecture architecture,
      float[] parameters, TabularData data) {
    GradMode.offOnThisThread(manager);
    List<float[][]> out = new ArrayList<>();
    BlockParameters blockParameters = new BlockParameters(architecture);
    List<TensorShape> tensors = architecture.trainableLayout().tensors();
    try (NDManager run = manager.newSubManager()) {
      var block = ModelBlocks.load(architecture, run, parameters);
      ParameterStore store = new ParameterStore(run, false);
      for (int i = 0; i < data.rows(); i++) {
        try (NDManager one = run.newSubManager()) {
          NDArray x = ModelInputs.features(one, data, new int[] {i}, 0, 1);
          NDArray y = ModelInputs.labels(one, data, new int[] {i}, 0, 1);
          try (GradientCollector collector = one.getEngine().newGradientCollector()) {
            NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
            collector.backward(ModelInputs.crossEntropy(logits, y).sum());
          }
          float[][] g = new float[tensors.size()][];
          for (int t = 0; t < tensors.size(); t++) {
            NDArray gradient = blockParameters.parameter(block, tensors.get(t).name()).getArray()
                .getGradient();
            gradient.attach(one);
            g[t] = gradient.toFloatArray();
            gradient.subi(gradient);
          }
          out.add(g);
        }
      }
    }
    return out;
  }

  private static int[] allRows(TabularData data) {
    int[] rows = new int[data.rows()];
    Arrays.setAll(rows, i -> i);
    return rows;
  }

  private static int[] labelsModulo(TabularData data, int classes) {
    int[] labels = data.labels().clone();
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (labels[i] + i) % classes;
    }
    return labels;
  }

  private static double squaredNorm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return s;
  }

  private static double relativeError(float[] actual, double[] expected) {
    double diff = 0;
    double norm = 0;
    for (int k = 0; k < expected.length; k++) {
      diff += (actual[k] - expected[k]) * (actual[k] - expected[k]);
      norm += expected[k] * expected[k];
    }
    return Math.sqrt(diff / norm);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
