package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class WeightedMeanAccumulatorTest {

  private static final int THREADS = 6;
  private static final int UPDATES_PER_THREAD = 400;
  private static final int ELEMENTS = 64;

  @Test
  void concurrentAddsGiveExactlyTheMeanOfSequentialAdds() throws Exception {
    // Values are multiples of 1/8 and weights small integers, so every partial sum is exact in
    // double precision and the order of the adds cannot change a single bit of the result.
    List<float[]> deltas = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    Random random = new Random(42);
    for (int u = 0; u < THREADS * UPDATES_PER_THREAD; u++) {
      float[] delta = new float[ELEMENTS];
      for (int i = 0; i < ELEMENTS; i++) {
        delta[i] = (random.nextInt(16_001) - 8_000) / 8f;
      }
      deltas.add(delta);
      weights.add(1L + random.nextInt(1_000));
    }
    WeightedMeanAccumulator sequential = new WeightedMeanAccumulator(ELEMENTS);
    for (int u = 0; u < deltas.size(); u++) {
      sequential.add(deltas.get(u), weights.get(u));
    }

    WeightedMeanAccumulator concurrent = new WeightedMeanAccumulator(ELEMENTS);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t * UPDATES_PER_THREAD;
        done.add(pool.submit(() -> {
          start.await();
          for (int u = first; u < first + UPDATES_PER_THREAD; u++) {
            concurrent.add(deltas.get(u), weights.get(u));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(concurrent.count()).isEqualTo(sequential.count()).isEqualTo(deltas.size());
    assertThat(concurrent.totalWeight()).isEqualTo(sequential.totalWeight());
    assertThat(concurrent.mean()).containsExactly(sequential.mean());
  }

  @Test
  void meanIsWeightedBySampleCount() {
    WeightedMeanAccumulator accumulator = new WeightedMeanAccumulator(2);

    accumulator.add(new float[] {1, 10}, 1);
    accumulator.add(new float[] {5, 2}, 3);

    assertThat(accumulator.mean()).containsExactly(4, 4);
    assertThat(accumulator.count()).isEqualTo(2);
    assertThat(accumulator.totalWeight()).isEqualTo(4);
  }

  @Test
  void updatesOfTheWrongSizeOrWithoutPositiveWeightAreRejectedAndNotCounted() {
    WeightedMeanAccumulator accumulator = new WeightedMeanAccumulator(3);

    assertThatThrownBy(() -> accumulator.add(new float[2], 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 elements, expected 3");
    assertThatThrownBy(() -> accumulator.add(new float[3], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThat(accumulator.count()).isZero();
    assertThat(accumulator.totalWeight()).isZero();
  }

  @Test
  void meanTakenInPlaceEqualsTheMeanIsStableAndClosesTheAccumulator() {
    WeightedMeanAccumulator accumulator = new WeightedMeanAccumulator(2);
    accumulator.add(new float[] {1, 10}, 1);
    accumulator.add(new float[] {5, 2}, 3);
    double[] expected = accumulator.mean();

    assertThat(accumulator.finishInPlace()).containsExactly(expected);
    assertThat(accumulator.finishInPlace()).as("not divided twice").containsExactly(expected);
    assertThat(accumulator.mean()).containsExactly(expected);
    assertThatThrownBy(() -> accumulator.add(new float[] {1, 1}, 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already taken");
    assertThat(accumulator.count()).isEqualTo(2);
  }

  @Test
  void meanOfNoUpdatesIsAnError() {
    assertThatThrownBy(() -> new WeightedMeanAccumulator(3).mean())
        .isInstanceOf(IllegalStateException.class);
  }
}
