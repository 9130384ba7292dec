package io.cohort.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoissonSamplerTest {

  @Test
  void batchSizesHaveTheBinomialMeanAndVarianceAndVary() {
    int n = 1000;
    double q = 0.032;
    PoissonSampler sampler = new PoissonSampler(n, q, CsprngStream.secure());
    int batches = 20_000;
    double sum = 0;
    double sum2 = 0;
    Set<Integer> sizes = new HashSet<>();
    for (int b = 0; b < batches; b++) {
      int size = sampler.next();
      sum += size;
      sum2 += (double) size * size;
      sizes.add(size);
    }
    double mean = sum / batches;
    double variance = sum2 / batches - mean * mean;
    double expectedVariance = n * q * (1 - q); // 30.98
    assertThat(mean).isCloseTo(n * q, within(5 * Math.sqrt(expectedVariance / batches)));
    assertThat(variance).isCloseTo(expectedVariance, within(expectedVariance * 0.05));
    assertThat(sizes).hasSizeGreaterThan(15);
  }

  @Test
  void everyRecordIsChosenWithProbabilityQ() {
    int n = 50;
    double q = 0.2;
    PoissonSampler sampler = new PoissonSampler(n, q, CsprngStream.secure());
    int batches = 50_000;
    int[] chosen = new int[n];
    for (int b = 0; b < batches; b++) {
      int size = sampler.next();
      for (int k = 0; k < size; k++) {
        chosen[sampler.batch()[k]]++;
      }
    }
    double sd = Math.sqrt(batches * q * (1 - q));
    for (int i = 0; i < n; i++) {
      assertThat((double) chosen[i]).as("record %d", i).isCloseTo(batches * q, within(5 * sd));
    }
  }

  @Test
  void emptyBatchesHappenAsOftenAsTheyShould() {
    int n = 100;
    double q = 0.01; // P(empty) = 0.99^100 = 0.366
    PoissonSampler sampler = new PoissonSampler(n, q, CsprngStream.secure());
    int batches = 20_000;
    int empty = 0;
    for (int b = 0; b < batches; b++) {
      empty += sampler.next() == 0 ? 1 : 0;
    }
    double p = Math.pow(1 - q, n);
    assertThat((double) empty).isCloseTo(batches * p,
        within(5 * Math.sqrt(batches * p * (1 - p))));
  }

  @Test
  void rateOneTakesEveryRecord() {
    PoissonSampler sampler = new PoissonSampler(7, 1.0, CsprngStream.secure());

    assertThat(sampler.next()).isEqualTo(7);
    assertThat(sampler.batch()).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  @Test
  void ratesOutsideZeroToOneAreRefused() {
    assertThatThrownBy(() -> new PoissonSampler(10, 0, CsprngStream.secure()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new PoissonSampler(10, 1.5, CsprngStream.secure()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1]");
  }
}
