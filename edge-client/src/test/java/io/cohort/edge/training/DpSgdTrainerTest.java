package io.cohort.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.cohort.edge.data.TabularData;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class DpSgdTrainerTest {

  private static final ModelArchitecture MLP = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("mlp").setInputFeatures(4).setNumClasses(2).addHiddenLayers(8).build());
  private static final TabularData TRAIN = Blobs.make(2000, 4, 0.75, 1);
  private static final TabularData HELD_OUT = Blobs.make(500, 4, 0.75, 2);
  private static final TrainConfig SGD = TrainConfig.newBuilder().setLocalEpochs(3)
      .setBatchSize(32).setOptimizer("sgd").setLearningRate(0.5).setSeed(42).build();

  @AutoClose
  private static final NDManager manager =
      DjlRuntime.start(DjlRuntime.Settings.defaults()).newManager();

  @Test
  void trainingWithNoiseMultiplierOneStillLearnsTheBlobs() {
    float[] global = MLP.initialize(7);
    DpSgdTrainer trainer = new DpSgdTrainer(MLP, manager, new DpSgdConfig(64, 1.0, 1.0));

    TrainingResult result = trainer.train(global, SGD, TRAIN, ProgressListener.NONE);

    double accuracy = new Evaluator(MLP, manager).evaluate(result.parameters(), HELD_OUT)
        .getMetrics().getAccuracy();
    assertThat(accuracy).as("chance is 0.5; without DP about 0.89").isGreaterThan(0.8);
    assertThat(result.sampleCount()).isEqualTo(2000);
  }

  @Test
  void noiseHasStandardDeviationSigmaTimesCOverTheExpectedBatch() {
    // every record in every batch (q = 1), a clip norm so small that the clipped sum is
    // negligible next to the noise: one SGD step with learning rate 1 moves each weight by
    // -noise, whose standard deviation must be sigma C / B
    ModelArchitecture wide = new ModelArchitecture(ModelSpec.newBuilder().setArchitecture("mlp")
        .setInputFeatures(20).setNumClasses(2).addHiddenLayers(100).build());
    TabularData data = Blobs.make(8, 20, 1.0, 3);
    double sigma = 20;
    double clip = 1e-3;
    int batch = 8;
    TrainConfig oneStep = SGD.toBuilder().setLocalEpochs(1).setLearningRate(1.0).build();
    float[] global = wide.initialize(1);

    float[] delta = new DpSgdTrainer(wide, manager, new DpSgdConfig(batch, sigma, clip))
        .train(global, oneStep, data, ProgressListener.NONE).delta();

    double sum2 = 0;
    for (float d : delta) {
      sum2 += (double) d * d;
    }
    double expected = sigma * clip / batch; // 2.5e-3
    assertThat(delta.length).isEqualTo(20 * 100 + 100 + 100 * 2 + 2);
    assertThat(Math.sqrt(sum2 / delta.length)).isCloseTo(expected, within(expected * 0.06));
  }

  @Test
  void frozenTensorsGetNeitherGradientNorNoise() {
    ModelArchitecture frozen = new ModelArchitecture(MLP.spec().toBuilder()
        .addFrozenTensors("layer0.weight").build());
    float[] global = frozen.initialize(7);
    ParameterLayout layout = frozen.layout();
    int offset = layout.offsetOf("layer0.weight");

    TrainingResult result = new DpSgdTrainer(frozen, manager, new DpSgdConfig(64, 1.0, 1.0))
        .train(global, SGD.toBuilder().setProximalMu(0.5).build(), TRAIN, ProgressListener.NONE);

    for (int i = offset; i < offset + 8 * 4; i++) {
      assertThat(result.parameters()[i]).isEqualTo(global[i]);
    }
    assertThat(result.delta()).hasSize(layout.totalElements() - 8 * 4);
  }

  @Test
  void twoRunsDrawDifferentBatchesAndNoiseWhateverTheSeed() {
    float[] global = MLP.initialize(7);
    DpSgdTrainer trainer = new DpSgdTrainer(MLP, manager, new DpSgdConfig(64, 1.0, 1.0));
    TrainConfig short_ = SGD.toBuilder().setLocalEpochs(1).build();

    TrainingResult first = trainer.train(global, short_, TRAIN, ProgressListener.NONE);
    TrainingResult second = trainer.train(global, short_, TRAIN, ProgressListener.NONE);

    assertThat(second.parameters()).isNotEqualTo(first.parameters());
  }

  @Test
  void anEpochIsCeilOfRecordsOverExpectedBatchStepsAndArraysDoNotAccumulate() {
    List<Double> fractions = new ArrayList<>();
    List<Integer> liveArrays = new ArrayList<>();
    int before = manager.getManagedArrays().size();
    TrainConfig adam = SGD.toBuilder().setOptimizer("adam").setLearningRate(0.01)
        .setProximalMu(0.1).setLocalEpochs(2).build();

    new DpSgdTrainer(MLP, manager, new DpSgdConfig(300, 1.0, 1.0)).train(MLP.initialize(7), adam,
        TRAIN, (fraction, loss) -> {
          fractions.add(fraction);
          liveArrays.add(manager.getManagedArrays().size());
        });

    assertThat(fractions).hasSize(2 * 7).isSorted(); // ceil(2000 / 300) = 7 steps per epoch
    assertThat(fractions.get(fractions.size() - 1)).isEqualTo(1.0);
    assertThat(liveArrays.subList(1, liveArrays.size())).containsOnly(liveArrays.get(1));
    assertThat(manager.getManagedArrays()).hasSize(before);
  }

  @Test
  void anExpectedBatchLargerThanTheDataIsRefusedBeforeTraining() {
    DpSgdTrainer trainer = new DpSgdTrainer(MLP, manager, new DpSgdConfig(64, 1.0, 1.0));
    TabularData tiny = Blobs.make(10, 4, 1.0, 1);

    assertThatThrownBy(() -> trainer.train(MLP.initialize(1), SGD, tiny, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("q = expected batch / records = 64 / 10 must be in (0, 1]");
  }

  @Test
  void badMechanismSettingsNameTheParameterAndItsRange() {
    assertThatThrownBy(() -> new DpSgdConfig(16, 0, 1.0))
        .hasMessageContaining("noise multiplier sigma must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> new DpSgdConfig(16, 1.0, -1))
        .hasMessageContaining("clipping norm C must be a finite number > 0, got -1.0");
    assertThatThrownBy(() -> new DpSgdConfig(0, 1.0, 1.0))
        .hasMessageContaining("expected batch size must be >= 1, got 0");
  }
}
