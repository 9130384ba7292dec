package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class PrivacyAccountantTest {

  /** Opacus' RDPAccountant.DEFAULT_ALPHAS: [1 + x / 10.0 for x in range(1, 100)] + 12..63. */
  static final RdpOrders OPACUS_ALPHAS = opacusAlphas();
  /** TF-Privacy compute_dp_sgd_privacy_lib orders. */
  static final RdpOrders TF_PRIVACY_ORDERS = tfPrivacyOrders();

  private static RdpOrders opacusAlphas() {
    double[] orders = new double[99 + 52];
    for (int x = 1; x < 100; x++) {
      orders[x - 1] = 1 + x / 10.0;
    }
    for (int a = 12; a < 64; a++) {
      orders[99 + a - 12] = a;
    }
    return RdpOrders.of(orders);
  }

  private static RdpOrders tfPrivacyOrders() {
    double[] orders = new double[10 + 59 + 3];
    double[] low = {1.25, 1.5, 1.75, 2., 2.25, 2.5, 3., 3.5, 4., 4.5};
    System.arraycopy(low, 0, orders, 0, low.length);
    for (int a = 5; a < 64; a++) {
      orders[10 + a - 5] = a;
    }
    orders[69] = 128;
    orders[70] = 256;
    orders[71] = 512;
    return RdpOrders.of(orders);
  }

  private static EpsilonResult run(RdpOrders orders, double q, double sigma, long steps,
      double delta, RdpConversion conversion) {
    return new PrivacyAccountant(orders).step(q, sigma, steps).epsilon(delta, conversion);
  }

  private static double threeDigits(double v) {
    return new BigDecimal(v).round(new MathContext(3)).doubleValue();
  }

  /**
   * Opacus MNIST example (examples/mnist_README.md): sample rate 0.004, sigma 1.1, 60 epochs of
   * 1 / 0.004 = 250 steps, delta 1e-5: "(2.91, 1e-5)-DP", from the classic conversion Opacus used
   * then. Independent check (mpmath quadrature of the RDP over Opacus' orders): classic
   * 2.9050453035 at order 9.1; Balle 2.5028709266 at order 8.4.
   */
  @Test
  void opacusMnistExample() {
    for (RdpOrders orders : new RdpOrders[] {OPACUS_ALPHAS, RdpOrders.defaults()}) {
      EpsilonResult classic = run(orders, 0.004, 1.1, 15_000, 1e-5, RdpConversion.CLASSIC);
      assertThat(threeDigits(classic.epsilon())).isEqualTo(2.91);
      assertThat(classic.epsilon()).isCloseTo(2.9050453035, within(1e-8));
      assertThat(classic.order()).isEqualTo(9.1);

      EpsilonResult balle = run(orders, 0.004, 1.1, 15_000, 1e-5, RdpConversion.BALLE);
      assertThat(balle.epsilon()).isCloseTo(2.5028709266, within(1e-8));
      assertThat(balle.order()).isEqualTo(8.4);
      assertThat(balle.epsilon()).isLessThan(classic.epsilon());
    }
  }

  /**
   * TF-Privacy MNIST tutorial: batch 256 of 60000 (q = 256/60000), noise multiplier 1.12,
   * 60 epochs, delta 1e-5: "epsilon = 2.92" with the classic conversion. Steps as TF-Privacy's
   * compute_dp_sgd_privacy counts them, ceil(epochs * n / batch) = ceil(14062.5) = 14063 (floor
   * gives the same three digits). Independent check: classic 2.9223453963 at order 9.1, Balle
   * 2.5186864791 at order 8.3.
   */
  @Test
  void tfPrivacyTutorial() {
    long steps = (long) Math.ceil(60 * 60000 / 256.0);
    assertThat(steps).isEqualTo(14_063);
    double q = 256 / 60000.0;
    EpsilonResult classic = run(RdpOrders.defaults(), q, 1.12, steps, 1e-5, RdpConversion.CLASSIC);
    assertThat(threeDigits(classic.epsilon())).isEqualTo(2.92);
    assertThat(classic.epsilon()).isCloseTo(2.9223453963, within(1e-8));
    assertThat(classic.order()).isEqualTo(9.1);
    EpsilonResult floor = run(RdpOrders.defaults(), q, 1.12, 14_062, 1e-5, RdpConversion.CLASSIC);
    assertThat(threeDigits(floor.epsilon())).isEqualTo(2.92);

    EpsilonResult balle = run(RdpOrders.defaults(), q, 1.12, steps, 1e-5, RdpConversion.BALLE);
    assertThat(balle.epsilon()).isCloseTo(2.5186864791, within(1e-8));
    assertThat(balle.order()).isEqualTo(8.3);
  }

  /**
   * Opacus opacus/tests/accountants_test.py test_rdp_accountant: RDPAccountant (default alphas,
   * Balle conversion) after int(90 / 0.04) = 2250 steps of q = 0.04, sigma = 1.5, at delta 1e-5
   * gives 7.32911117143.
   */
  @Test
  void opacusAccountantUnitTestValue() {
    EpsilonResult r = run(OPACUS_ALPHAS, 0.04, 1.5, 2250, 1e-5, RdpConversion.BALLE);
    assertThat(r.epsilon()).isCloseTo(7.32911117143, within(1e-8));
    assertThat(run(RdpOrders.defaults(), 0.04, 1.5, 2250, 1e-5, RdpConversion.BALLE).epsilon())
        .isLessThanOrEqualTo(r.epsilon());
  }

  /**
   * TF-Privacy compute_dp_sgd_privacy_test.py (dp_accounting RDP accountant, Balle conversion,
   * TF-Privacy's orders, steps = ceil(epochs * n / batch)): (n, batch, sigma, epochs, delta) ->
   * (epsilon, order).
   */
  @Test
  void tfPrivacyComputeDpSgdPrivacyTestValues() {
    assertTf(60000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19.0);
    assertTf(100000, 100, 1.0, 30, 1e-7, 1.4154988495444842, 13.0);
    assertTf(100000000, 1024, 0.1, 10, 1e-7, 5907982.3113978775, 1.25);
  }

  private static void assertTf(long n, long batch, double sigma, double epochs, double delta,
      double epsilon, double order) {
    long steps = (long) Math.ceil(epochs * n / batch);
    EpsilonResult r = run(TF_PRIVACY_ORDERS, batch / (double) n, sigma, steps, delta,
        RdpConversion.BALLE);
    assertThat(r.epsilon()).isCloseTo(epsilon, within(1e-9 * epsilon));
    assertThat(r.order()).isEqualTo(order);
  }

  @Test
  void rdpAddsOverStepsAndPhases() {
    PrivacyAccountant once = new PrivacyAccountant().step(0.01, 1.0, 300);
    PrivacyAccountant split = new PrivacyAccountant().step(0.01, 1.0, 100).step(0.01, 1.0, 200);
    assertCloseRelative(split.rdp(), once.rdp());
    assertThat(split.phases()).containsExactly(new PrivacyAccountant.Phase(0.01, 1.0, 300));

    PrivacyAccountant mixed = new PrivacyAccountant().step(0.01, 1.0, 100).step(0.05, 2.0, 40)
        .step(0.01, 1.0, 0);
    double[] a = SampledGaussianRdp.rdp(0.01, 1.0, RdpOrders.defaults());
    double[] b = SampledGaussianRdp.rdp(0.05, 2.0, RdpOrders.defaults());
    double[] expected = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      expected[k] = 100 * a[k] + 40 * b[k];
    }
    assertCloseRelative(mixed.rdp(), expected);
    assertThat(mixed.phases()).containsExactly(new PrivacyAccountant.Phase(0.01, 1.0, 100),
        new PrivacyAccountant.Phase(0.05, 2.0, 40));
    assertThat(mixed.totalSteps()).isEqualTo(140);
    // A second phase costs something on top of the first.
    assertThat(mixed.epsilon(1e-5).epsilon())
        .isGreaterThan(new PrivacyAccountant().step(0.01, 1.0, 100).epsilon(1e-5).epsilon());
  }

  private static void assertCloseRelative(double[] actual, double[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int k = 0; k < actual.length; k++) {
      assertThat(actual[k]).isCloseTo(expected[k], within(1e-12 * expected[k]));
    }
  }

  @Test
  void epsilonAfterProjectsWithoutRecording() {
    PrivacyAccountant acc = new PrivacyAccountant().step(0.02, 1.2, 500);
    EpsilonResult before = acc.epsilon(1e-5);
    EpsilonResult projected = acc.epsilonAfter(0.02, 1.2, 500, 1e-5);
    assertThat(acc.epsilon(1e-5)).isEqualTo(before);
    assertThat(projected).isEqualTo(new PrivacyAccountant().step(0.02, 1.2, 1000).epsilon(1e-5));
    assertThat(projected.epsilon()).isGreaterThan(before.epsilon());

    PrivacyAccountant copy = acc.copy().step(0.02, 1.2, 500);
    assertThat(copy.epsilon(1e-5)).isEqualTo(projected);
    assertThat(acc.totalSteps()).isEqualTo(500);
  }

  @Test
  void zeroStepsSpendNothingAndFullSamplingIsThePlainGaussian() {
    assertThat(new PrivacyAccountant().epsilon(1e-5)).isEqualTo(new EpsilonResult(0.0, 1.1));
    assertThat(PrivacyAccountant.epsilon(0.1, 1.0, 0, 1e-5, RdpConversion.CLASSIC).epsilon())
        .isZero();
    // q = 1, one step at sigma: RDP alpha / (2 sigma^2) at every order.
    double[] rdp = new PrivacyAccountant().step(1.0, 2.0, 1).rdp();
    double[] orders = RdpOrders.defaults().toArray();
    for (int k = 0; k < rdp.length; k++) {
      assertThat(rdp[k]).isEqualTo(orders[k] / 8.0);
    }
  }

  @Test
  void balleIsTighterThanClassic() {
    for (double sigma : new double[] {0.7, 1.0, 2.0, 5.0}) {
      PrivacyAccountant acc = new PrivacyAccountant().step(0.01, sigma, 5000);
      assertThat(acc.epsilon(1e-6, RdpConversion.BALLE).epsilon())
          .isLessThan(acc.epsilon(1e-6, RdpConversion.CLASSIC).epsilon());
    }
  }

  @Test
  void rejectsBadInputNamingTheParameterAndRange() {
    PrivacyAccountant acc = new PrivacyAccountant();
    assertThatThrownBy(() -> acc.step(0.0, 1.0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("q (sampling rate) must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> acc.step(1.01, 1.0, 10))
        .hasMessage("q (sampling rate) must be in (0, 1], got 1.01");
    assertThatThrownBy(() -> acc.step(Double.NaN, 1.0, 10)).hasMessageContaining("q ");
    assertThatThrownBy(() -> acc.step(0.1, 0.0, 10))
        .hasMessage("sigma (noise multiplier) must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> acc.step(0.1, -1.0, 10)).hasMessageContaining("sigma");
    assertThatThrownBy(() -> acc.step(0.1, Double.POSITIVE_INFINITY, 10))
        .hasMessageContaining("sigma");
    assertThatThrownBy(() -> acc.step(0.1, 1.0, -1)).hasMessage("steps must be >= 0, got -1");
    assertThatThrownBy(() -> acc.epsilon(0.0)).hasMessage("delta must be in (0, 1), got 0.0");
    assertThatThrownBy(() -> acc.epsilon(1.0)).hasMessage("delta must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> acc.epsilonAfter(0.1, 1.0, 10, -1e-5)).hasMessageContaining("delta");
    assertThat(acc.totalSteps()).isZero();
  }

  @Test
  void defaultDeltaIsTheSmallerOfOneInHundredThousandAndOneTenthOverN() {
    assertThat(PrivacyAccountant.defaultDelta(1)).isEqualTo(1e-5);
    assertThat(PrivacyAccountant.defaultDelta(300)).isEqualTo(1e-5);
    assertThat(PrivacyAccountant.defaultDelta(10_000)).isEqualTo(1e-5);
    assertThat(PrivacyAccountant.defaultDelta(60_000)).isCloseTo(1.0 / 600_000, within(1e-20));
    assertThat(PrivacyAccountant.defaultDelta(1_000_000)).isCloseTo(1e-7, within(1e-20));
    assertThatThrownBy(() -> PrivacyAccountant.defaultDelta(0))
        .hasMessage("records (local dataset size) must be >= 1, got 0");
  }

  /**
   * Clients compute epsilon before every round, so a call over the whole grid must be cheap:
   * repeated (q, sigma) are served from the cache; fresh ones are computed in a few milliseconds
   * (medians, generous bounds for a shared CI machine).
   */
  @Test
  void epsilonOverTheWholeGridIsFast() {
    for (int warmup = 0; warmup < 20; warmup++) {
      PrivacyAccountant.epsilon(0.01 + warmup * 1e-4, 1.0, 100, 1e-5, RdpConversion.BALLE);
    }
    long[] fresh = new long[21];
    long[] cached = new long[21];
    PrivacyAccountant acc = new PrivacyAccountant().step(0.02, 1.0, 1000);
    for (int i = 0; i < fresh.length; i++) {
      long t0 = System.nanoTime();
      PrivacyAccountant.epsilon(0.003 + i * 1e-4, 0.9 + i * 0.01, 5000, 1e-5, RdpConversion.BALLE);
      long t1 = System.nanoTime();
      acc.epsilonAfter(0.02, 1.0, 500, 1e-5);
      long t2 = System.nanoTime();
      fresh[i] = t1 - t0;
      cached[i] = t2 - t1;
    }
    java.util.Arrays.sort(fresh);
    java.util.Arrays.sort(cached);
    System.out.printf("epsilon over %d orders: fresh (q, sigma) median %.2f ms, cached %.3f ms%n",
        RdpOrders.defaults().size(), fresh[10] / 1e6, cached[10] / 1e6);
    assertThat(cached[10]).isLessThan(2_000_000L);
    assertThat(fresh[10]).isLessThan(10_000_000L);
  }
}
