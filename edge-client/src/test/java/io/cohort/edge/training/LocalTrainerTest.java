package io.cohort.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.cohort.edge.data.TabularData;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {

  private static final ModelArchitecture MLP = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("mlp").setInputFeatures(4).setNumClasses(2).addHiddenLayers(8).build());
  private static final ModelArchitecture LOGISTIC = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("logistic").setInputFeatures(4).setNumClasses(2).build());
  private static final TabularData TRAIN = Blobs.make(500, 4, 0.75, 1);
  private static final TabularData HELD_OUT = Blobs.make(300, 4, 0.75, 2);
  private static final TrainConfig SGD = TrainConfig.newBuilder().setLocalEpochs(3)
      .setBatchSize(32).setOptimizer("sgd").setLearningRate(0.1).setSeed(42).build();

  @AutoClose
  private static final NDManager manager =
      DjlRuntime.start(DjlRuntime.Settings.defaults()).newManager();

  @Test
  void trainingLowersHeldOutLossAndRaisesAccuracy() {
    float[] global = MLP.initialize(7);
    Evaluator evaluator = new Evaluator(MLP, manager);
    EvaluationResult before = evaluator.evaluate(global, HELD_OUT);

    TrainingResult result = new LocalTrainer(MLP, manager).train(global, SGD, TRAIN,
        ProgressListener.NONE);

    EvaluationResult after = evaluator.evaluate(result.parameters(), HELD_OUT);
    assertThat(after.getMetrics().getLoss()).isLessThan(before.getMetrics().getLoss() - 0.1);
    assertThat(after.getMetrics().getAccuracy()).isGreaterThan(0.88)
        .isGreaterThan(before.getMetrics().getAccuracy());
    assertThat(result.metrics().getAccuracy()).isGreaterThan(0.88);
    assertThat(result.metrics().getLoss()).isLessThan(0.5);
    assertThat(result.metrics().getExamples()).isEqualTo(500);
    assertThat(result.sampleCount()).isEqualTo(500);
  }

  @Test
  void adamTrainsToo() {
    TrainConfig adam = SGD.toBuilder().setOptimizer("adam").setLearningRate(0.03).build();

    TrainingResult result = new LocalTrainer(LOGISTIC, manager).train(LOGISTIC.initialize(3),
        adam, TRAIN, ProgressListener.NONE);

    assertThat(new Evaluator(LOGISTIC, manager).evaluate(result.parameters(), HELD_OUT)
        .getMetrics().getAccuracy()).isGreaterThan(0.88);
  }

  @Test
  void deltaIsTrainedMinusGlobal() {
    float[] global = MLP.initialize(7);

    TrainingResult result = new LocalTrainer(MLP, manager).train(global, SGD, TRAIN,
        ProgressListener.NONE);

    assertThat(result.delta()).hasSize(MLP.trainableLayout().totalElements());
    for (int i = 0; i < global.length; i++) {
      assertThat(result.delta()[i]).isEqualTo(result.parameters()[i] - global[i]);
    }
  }

  @Test
  void aLargeProximalTermKeepsWeightsCloserToTheGlobalModel() {
    float[] global = MLP.initialize(7);
    LocalTrainer trainer = new LocalTrainer(MLP, manager);

    double free = norm(trainer.train(global, SGD, TRAIN, ProgressListener.NONE).delta());
    double held = norm(trainer.train(global, SGD.toBuilder().setProximalMu(5).build(), TRAIN,
        ProgressListener.NONE).delta());

    assertThat(held).isLessThan(free / 2);
  }

  @Test
  void frozenTensorsAreNotTrainedNorShipped() {
    ModelArchitecture frozen = new ModelArchitecture(MLP.spec().toBuilder()
        .addFrozenTensors("layer0.weight").build());
    float[] global = frozen.initialize(7);
    ParameterLayout layout = frozen.layout();
    int offset = layout.offsetOf("layer0.weight");
    int size = 8 * 4;

    TrainingResult result = new LocalTrainer(frozen, manager).train(global,
        SGD.toBuilder().setProximalMu(0.5).build(), TRAIN, ProgressListener.NONE);

    for (int i = offset; i < offset + size; i++) {
      assertThat(result.parameters()[i]).isEqualTo(global[i]);
    }
    assertThat(result.delta()).hasSize(layout.totalElements() - size);
    assertThat(norm(result.delta())).isPositive();
  }

  @Test
  void theSameSeedGivesTheSameModelAndAnotherSeedAnother() {
    float[] global = MLP.initialize(7);
    LocalTrainer trainer = new LocalTrainer(MLP, manager);

    TrainingResult first = trainer.train(global, SGD, TRAIN, ProgressListener.NONE);
    TrainingResult second = trainer.train(global, SGD, TRAIN, ProgressListener.NONE);
    TrainingResult reseeded = trainer.train(global, SGD.toBuilder().setSeed(43).build(), TRAIN,
        ProgressListener.NONE);

    assertThat(second.parameters()).containsExactly(first.parameters());
    assertThat(second.metrics()).isEqualTo(first.metrics());
    assertThat(reseeded.parameters()).isNotEqualTo(first.parameters());
  }

  @Test
  void theGradientTransformSeesNamedGradientsAndDecidesTheUpdate() {
    float[] global = MLP.initialize(7);
    List<String> names = new ArrayList<>();
    GradientTransform zero = (gradients, batchSize) -> {
      if (names.isEmpty()) {
        gradients.forEach(g -> names.add(g.getName()));
      }
      NDList zeros = new NDList();
      for (NDArray g : gradients) {
        zeros.add(g.zerosLike());
      }
      return zeros;
    };

    TrainingResult result = new LocalTrainer(MLP, manager, zero).train(global, SGD, TRAIN,
        ProgressListener.NONE);

    assertThat(names).containsExactly("layer0.weight", "layer0.bias", "layer1.weight",
        "layer1.bias");
    assertThat(result.parameters()).containsExactly(global);
  }

  @Test
  void progressRisesToOneAndArraysDoNotAccumulateBetweenSteps() {
    List<Double> fractions = new ArrayList<>();
    List<Integer> liveArrays = new ArrayList<>();
    ProgressListener listener = (fraction, loss) -> {
      fractions.add(fraction);
      liveArrays.add(manager.getManagedArrays().size());
      assertThat(loss).isFinite();
    };
    TrainConfig adam = SGD.toBuilder().setOptimizer("adam").setProximalMu(0.1).build();
    int before = manager.getManagedArrays().size();

    new LocalTrainer(MLP, manager).train(MLP.initialize(7), adam, TRAIN, listener);

    assertThat(fractions).hasSize(3 * 16).isSorted();
    assertThat(fractions.get(fractions.size() - 1)).isEqualTo(1.0);
    assertThat(liveArrays.get(1)).as("the run's arrays are counted").isGreaterThan(before);
    assertThat(liveArrays.subList(1, liveArrays.size())).containsOnly(liveArrays.get(1));
    assertThat(manager.getManagedArrays()).hasSize(before);
  }

  @Test
  void onAThreadThatNeverTouchedTheEngineNothingIsRecordedOutsideBackward() throws Exception {
    float[] global = MLP.initialize(7);
    TrainConfig config = SGD.toBuilder().setOptimizer("adam").setProximalMu(0.1).build();
    TrainingResult here = new LocalTrainer(MLP, manager).train(global, config, TRAIN,
        ProgressListener.NONE);
    List<Boolean> recording = new ArrayList<>();

    TrainingResult there = CompletableFuture.supplyAsync(() -> new LocalTrainer(MLP, manager)
        .train(global, config, TRAIN, (f, loss) -> recording.add(JniUtils.isGradMode()))).get();

    assertThat(there.parameters()).containsExactly(here.parameters());
    assertThat(recording).containsOnly(false);
  }

  @Test
  void sgdStepsMatchHandComputedGradientDescentWithTheProximalTerm() {
    TabularData data = Blobs.make(40, 4, 0.75, 5);
    float[] global = LOGISTIC.initialize(9);
    double lr = 0.5;
    double mu = 0.3;
    TrainConfig twoFullBatchSteps = TrainConfig.newBuilder().setLocalEpochs(2).setBatchSize(40)
        .setOptimizer("sgd").setLearningRate(lr).setProximalMu(mu).setSeed(1).build();

    TrainingResult result = new LocalTrainer(LOGISTIC, manager).train(global, twoFullBatchSteps,
        data, ProgressListener.NONE);

    double[] w = new double[global.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = global[i];
    }
    for (int step = 0; step < 2; step++) {
      double[] gradient = logisticGradient(w, data);
      for (int i = 0; i < w.length; i++) {
        w[i] -= lr * (gradient[i] + mu * (w[i] - global[i]));
      }
    }
    for (int i = 0; i < w.length; i++) {
      assertThat((double) result.parameters()[i]).isCloseTo(w[i], within(1e-5));
    }
  }

  @Test
  void configsAndDataThatDoNotFitAreRefused() {
    LocalTrainer trainer = new LocalTrainer(MLP, manager);
    float[] global = MLP.initialize(7);

    assertThatThrownBy(() -> trainer.train(global, SGD.toBuilder().setOptimizer("rmsprop").build(),
        TRAIN, ProgressListener.NONE)).hasMessageContaining("unknown optimizer 'rmsprop'");
    assertThatThrownBy(() -> trainer.train(global, SGD.toBuilder().setBatchSize(0).build(),
        TRAIN, ProgressListener.NONE)).hasMessageContaining("batch_size");
    assertThatThrownBy(() -> trainer.train(global, SGD, Blobs.make(10, 3, 1, 1),
        ProgressListener.NONE)).hasMessageContaining("3 features");
    assertThatThrownBy(() -> trainer.train(new float[3], SGD, TRAIN, ProgressListener.NONE))
        .hasMessageContaining("has 3 values");
  }

  /** Mean softmax cross-entropy gradient of a logistic model: weight [2, 4] then bias [2]. */
  private static double[] logisticGradient(double[] w, TabularData data) {
    double[] gradient = new double[w.length];
    for (int r = 0; r < data.rows(); r++) {
      double[] logits = new double[2];
      for (int o = 0; o < 2; o++) {
        logits[o] = w[8 + o];
        for (int k = 0; k < 4; k++) {
          logits[o] += w[o * 4 + k] * data.features()[r * 4 + k];
        }
      }
      double max = Math.max(logits[0], logits[1]);
      double z = Math.exp(logits[0] - max) + Math.exp(logits[1] - max);
      for (int o = 0; o < 2; o++) {
        double error = Math.exp(logits[o] - max) / z - (data.labels()[r] == o ? 1 : 0);
        for (int k = 0; k < 4; k++) {
          gradient[o * 4 + k] += error * data.features()[r * 4 + k] / data.rows();
        }
        gradient[8 + o] += error / data.rows();
      }
    }
    return gradient;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
