package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The DJL engine against the plain-Java one on the same real model versions. */
class DjlPredictorPoolTest {

  static final int ROWS = 64;

  static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  static void assertSameProbabilities(ModelSpec spec) {
    ModelArchitecture architecture = new ModelArchitecture(spec);
    float[] parameters = architecture.initialize(11);
    float[] features = random(ROWS * spec.getInputFeatures(), 5);
    float[] java = new float[ROWS * spec.getNumClasses()];
    float[] djl = new float[java.length];
    try (VersionScorer j = ServingEngine.JAVA.load("j", architecture, parameters, 1);
        VersionScorer d = ServingEngine.DJL.load("d", architecture, parameters, 2)) {
      j.probabilities(features, 0, ROWS, java);
      d.probabilities(features, 0, ROWS, djl);
      assertThat(d.numFeatures()).isEqualTo(spec.getInputFeatures());
      assertThat(d.numClasses()).isEqualTo(spec.getNumClasses());
    }
    for (int i = 0; i < java.length; i++) {
      assertThat(djl[i]).as("probability %d", i).isCloseTo(java[i], within(1e-5f));
    }
  }

  @Test
  void djlGivesTheJavaProbabilitiesForABatchOfALogisticModel() {
    assertSameProbabilities(ModelSpec.newBuilder().setArchitecture("logistic")
        .setInputFeatures(10).setNumClasses(2).build());
  }

  @Test
  void djlGivesTheJavaProbabilitiesForABatchOfAnMlp() {
    assertSameProbabilities(ModelSpec.newBuilder().setArchitecture("mlp").setInputFeatures(10)
        .addHiddenLayers(16).addHiddenLayers(8).setNumClasses(3).build());
  }

  @Test
  void rowsFromTheMiddleOfTheMatrixAreScored() {
    ModelArchitecture architecture = new ModelArchitecture(ServedFederation.MODEL);
    float[] parameters = ServedFederation.params(1f);
    float[] features = random(5 * 3, 9);
    float[] java = new float[2 * 2];
    float[] djl = new float[2 * 2];
    try (VersionScorer j = ServingEngine.JAVA.load("j", architecture, parameters, 1);
        VersionScorer d = ServingEngine.DJL.load("d", architecture, parameters, 1)) {
      j.probabilities(features, 3, 2, java);
      d.probabilities(features, 3, 2, djl);
    }
    for (int i = 0; i < java.length; i++) {
      assertThat(djl[i]).isCloseTo(java[i], within(1e-5f));
    }
  }

  @Test
  void concurrentCallersShareThePoolAndEachGetTheirOwnRows() throws Exception {
    ModelArchitecture architecture = new ModelArchitecture(ServedFederation.MODEL);
    float[] parameters = ServedFederation.params(1f);
    ExecutorService threads = Executors.newFixedThreadPool(6);
    try (VersionScorer java = ServingEngine.JAVA.load("j", architecture, parameters, 1);
        VersionScorer pool = ServingEngine.DJL.load("d", architecture, parameters, 2)) {
      List<Future<Boolean>> same = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        long seed = t;
        same.add(threads.submit(() -> {
          for (int i = 0; i < 50; i++) {
            float[] features = random(4 * 3, seed * 1000 + i);
            float[] expected = new float[8];
            float[] actual = new float[8];
            java.probabilities(features, 0, 4, expected);
            pool.probabilities(features, 0, 4, actual);
            for (int k = 0; k < 8; k++) {
              if (Math.abs(expected[k] - actual[k]) > 1e-5) {
                return false;
              }
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : same) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
