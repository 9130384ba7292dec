package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.model.layout.ModelArchitecture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

  static ServedModel model(float ageWeight) {
    return new ServedModel("heart", "v" + ageWeight,
        new JavaScorer(new ModelArchitecture(ServedFederation.MODEL),
            ServedFederation.params(ageWeight)), new FeatureEncoder(ServedFederation.SCHEMA, 100));
  }

  static float[] alone(ServedModel m, float[] features, int rows) {
    float[] out = new float[rows * 2];
    m.probabilities(features, 0, rows, out);
    return out;
  }

  @Test
  void concurrentRequestsOfTwoVersionsGetExactlyTheirOwnRowsScored() throws Exception {
    MicroBatcher batcher = new MicroBatcher(Duration.ofMillis(1), 64);
    ServedModel[] models = {model(1f), model(-2f)};
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      results.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 200; i++) {
          ServedModel m = models[(thread + i) % 2];
          int rows = 1 + (i % 3);
          float[] features = new float[rows * 3];
          for (int k = 0; k < features.length; k++) {
            features[k] = thread * 0.1f + i * 0.01f + k;
          }
          batcher.arrive();
          if (!java.util.Arrays.equals(batcher.score(m, features, rows),
              alone(m, features, rows))) {
            return false;
          }
        }
        return true;
      }));
    }
    go.countDown();
    for (Future<Boolean> r : results) {
      assertThat(r.get()).isTrue();
    }
    pool.shutdown();
  }

  @Test
  void withoutBatchingEachRequestScoresItsOwnRows() {
    MicroBatcher off = new MicroBatcher(Duration.ZERO, 64);
    ServedModel m = model(1f);
    float[] features = {2f, 0f, 1f};
    off.arrive();
    assertThat(off.batching()).isFalse();
    assertThat(off.score(m, features, 1)).containsExactly(alone(m, features, 1));
  }
}
