package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SecureGaussianNoiseTest {

  /** Moments of a standard normal, each within about 6 standard errors for 10^6 samples. */
  @Test
  void samplesAreStandardNormal() {
    SecureGaussianNoise noise = new SecureGaussianNoise();
    int n = 1_000_000;
    double sum = 0;
    double squares = 0;
    double fourth = 0;
    int beyondTwo = 0;
    for (int i = 0; i < n; i++) {
      double x = noise.getAsDouble();
      sum += x;
      squares += x * x;
      fourth += x * x * x * x;
      if (Math.abs(x) > 2) {
        beyondTwo++;
      }
    }
    assertThat(sum / n).isCloseTo(0, within(0.006));
    assertThat(squares / n).isCloseTo(1, within(0.009));
    assertThat(fourth / n).as("kurtosis").isCloseTo(3, within(0.06));
    assertThat(beyondTwo / (double) n).isCloseTo(0.0455, within(0.0013));
  }

  @Test
  void eachInstanceHasItsOwnKey() {
    SecureGaussianNoise a = new SecureGaussianNoise();
    SecureGaussianNoise b = new SecureGaussianNoise();

    assertThat(a.getAsDouble()).isNotEqualTo(b.getAsDouble());
  }
}
