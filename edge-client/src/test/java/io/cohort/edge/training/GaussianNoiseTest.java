package io.cohort.edge.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

  private static final int N = 1_000_000;

  @Test
  void samplesHaveTheMomentsOfAStandardNormal() {
    GaussianNoise noise = new GaussianNoise(CsprngStream.secure());
    double sum = 0;
    double sum2 = 0;
    double sum3 = 0;
    double sum4 = 0;
    for (int i = 0; i < N; i++) {
      double z = noise.next();
      sum += z;
      sum2 += z * z;
      sum3 += z * z * z;
      sum4 += z * z * z * z;
    }
    // standard errors at n = 1e6: mean 0.001, variance 0.0014, skewness 0.0025, kurtosis 0.005
    assertThat(sum / N).isCloseTo(0, within(0.006));
    assertThat(sum2 / N).isCloseTo(1, within(0.008));
    assertThat(sum3 / N).isCloseTo(0, within(0.015));
    assertThat(sum4 / N).isCloseTo(3, within(0.04));
  }

  @Test
  void samplesFollowTheNormalDistributionFunction() {
    GaussianNoise noise = new GaussianNoise(CsprngStream.secure());
    double[] z = new double[N];
    for (int i = 0; i < N; i++) {
      z[i] = noise.next();
    }
    Arrays.sort(z);
    double ks = 0;
    for (int i = 0; i < N; i++) {
      double cdf = normalCdf(z[i]);
      ks = Math.max(ks, Math.max(Math.abs(cdf - (double) i / N),
          Math.abs(cdf - (double) (i + 1) / N)));
    }
    // Kolmogorov-Smirnov: the 0.1% critical value is 1.95 / sqrt(n)
    assertThat(ks).isLessThan(1.95 / Math.sqrt(N));
  }

  @Test
  void tailsBeyondTheZigguratBaseHaveTheirNormalFrequency() {
    GaussianNoise noise = new GaussianNoise(CsprngStream.secure());
    int n = 4_000_000;
    int beyond = 0; // |z| > 3.6541528853610088, the base strip's edge
    int positive = 0;
    for (int i = 0; i < n; i++) {
      double z = noise.next();
      if (Math.abs(z) > 3.6541528853610088) {
        beyond++;
        positive += z > 0 ? 1 : 0;
      }
    }
    double expected = n * 2 * (1 - normalCdf(3.6541528853610088)); // about 1031
    assertThat((double) beyond).isCloseTo(expected, within(5 * Math.sqrt(expected)));
    assertThat((double) positive).isCloseTo(beyond / 2.0, within(3 * Math.sqrt(beyond)));
  }

  @Test
  void fillScalesToTheRequestedStandardDeviation() {
    GaussianNoise noise = new GaussianNoise(CsprngStream.secure());
    float[] values = new float[200_000];

    noise.fill(values, 0, values.length, 0.25);

    double sum2 = 0;
    for (float v : values) {
      sum2 += (double) v * v;
    }
    assertThat(Math.sqrt(sum2 / values.length)).isCloseTo(0.25, within(0.25 * 0.01));
  }

  @Test
  void everyStreamHasItsOwnSecretKey() {
    CsprngStream a = CsprngStream.secure();
    CsprngStream b = CsprngStream.secure();

    long[] first = {a.nextLong(), a.nextLong()};
    long[] second = {b.nextLong(), b.nextLong()};

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void bulkAndSingleWordsComeFromTheSameKeystream() {
    java.security.SecureRandom seed = deterministicSeed();
    CsprngStream single = CsprngStream.seededFrom(seed);
    CsprngStream bulk = CsprngStream.seededFrom(deterministicSeed());
    int[] expected = new int[20_000]; // crosses several refills
    for (int i = 0; i < expected.length; i++) {
      expected[i] = single.nextInt();
    }

    int[] actual = new int[expected.length];
    bulk.nextInts(actual, 0, 7);
    bulk.nextInts(actual, 7, actual.length - 7);

    assertThat(actual).containsExactly(expected);
  }

  /** Standard normal CDF (erfc to a relative error below 1.2e-7). */
  static double normalCdf(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  private static double erfc(double x) {
    // Numerical Recipes' erfc via Chebyshev fit, fractional error < 1.2e-7 everywhere
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }

  private static java.security.SecureRandom deterministicSeed() {
    try {
      java.security.SecureRandom random = java.security.SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(42);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
