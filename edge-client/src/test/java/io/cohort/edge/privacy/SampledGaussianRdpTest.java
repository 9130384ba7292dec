package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampledGaussianRdpTest {


  /**
   * Reference RDP values computed independently with mpmath at 40-60 digits: integer orders by
   * the exact binomial sum (and cross-checked by quadrature), fractional orders by adaptive
   * quadrature of E_{z~N(0,s^2)}[((1-q) + q exp((2z-1)/(2s^2)))^alpha] (stable to all printed
   * digits under refinement). Covers tiny and large q, small and large sigma, and the slowly
   * converging fractional series at q = 0.5, sigma = 10, order 1.1.
   */
  @ParameterizedTest(name = "q={0} sigma={1} order={2}")
  @CsvSource({
      "0.01, 1.0, 2, 0.00017181342207454794",
      "0.01, 1.0, 2.5, 0.00021757533228188046",
      "0.01, 1.0, 10.9, 0.38761141130038889",
      "0.5, 1.0, 1.1, 0.15613047568549298",
      "0.5, 10.0, 1.1, 0.001377060014973602",
      "0.004, 1.1, 9.1, 9.8913098713210352e-5",
      "0.1, 0.5, 3.5, 3.7769941897637707",
      "1e-5, 2.0, 32, 4.5448305962976247e-10",
      "0.9, 0.8, 5.5, 4.1682211565965298",
      "0.2, 3.0, 256, 12.60647278856488",
      "0.05, 0.7, 1.25, 0.0078807215934230544",
      "1e-5, 0.1, 1.25, 5.9575608855150503",
      "1e-6, 0.5, 6.7, 1.662078033920995e-8",
      "0.3, 50, 2.5, 4.5010081703322032e-5",
  })
  void matchesHighPrecisionReference(double q, double sigma, double order, double expected) {
    assertThat(SampledGaussianRdp.rdp(q, sigma, order))
        .isCloseTo(expected, within(2e-9 * expected));
  }

  /**
   * A - 1 of about 1e-16: the series carries a rounding bound, so the result may be slightly
   * high but never low (reference: mpmath quadrature of the positive integrand
   * (1 + u)^alpha - 1 - alpha u, u = q (L - 1), at 60 digits).
   */
  @Test
  void tinyPrivacyLossIsBoundedFromAboveNotRoundedAway() {
    double reference = 1.3767201800832146e-15;
    assertThat(SampledGaussianRdp.rdp(1e-6, 20, 1.1))
        .isGreaterThanOrEqualTo(reference * (1 - 1e-9))
        .isLessThanOrEqualTo(reference * (1 + 1e-4));
    // An order 1e-16 step must not round to 0, or the KL shortcut would report epsilon 0.
    assertThat(SampledGaussianRdp.rdp(0.01, 1e6, 1.2)).isGreaterThan(0.0);
  }

  @Test
  void edgeSamplingRates() {
    assertThat(SampledGaussianRdp.rdp(0.0, 1.0, 8)).isZero();
    assertThat(SampledGaussianRdp.rdp(0.0, 1.0, 8.5)).isZero();
    assertThat(SampledGaussianRdp.rdp(1.0, 2.0, 8)).isEqualTo(1.0);
    assertThat(SampledGaussianRdp.rdp(1.0, 0.5, 2.5)).isEqualTo(5.0);
  }

  @Test
  void fractionalSeriesJoinsTheIntegerFormula() {
    for (double q : new double[] {1e-4, 0.01, 0.3, 0.7, 0.99}) {
      for (double sigma : new double[] {0.6, 1.0, 4.0}) {
        for (int order : new int[] {2, 3, 7, 20}) {
          double exact = SampledGaussianRdp.rdp(q, sigma, order);
          assertThat(SampledGaussianRdp.rdp(q, sigma, order + 1e-9))
              .as("q=%s sigma=%s order=%s", q, sigma, order)
              .isCloseTo(exact, within(1e-6 * exact + 1e-15));
        }
      }
    }
  }

  @Test
  void rdpIsNondecreasingInTheOrder() {
    RdpOrders orders = RdpOrders.defaults();
    for (double q : new double[] {1e-6, 0.004, 0.1, 0.5, 0.95}) {
      for (double sigma : new double[] {0.5, 1.0, 1.1, 3.0, 20.0}) {
        double[] rdp = SampledGaussianRdp.rdp(q, sigma, orders);
        for (int k = 1; k < rdp.length; k++) {
          assertThat(rdp[k]).as("q=%s sigma=%s order=%s", q, sigma, orders.get(k))
              .isGreaterThanOrEqualTo(rdp[k - 1] * (1 - 1e-8));
        }
      }
    }
  }

  @Test
  void interpolationFallbackIsAnUpperBound() {
    for (double order : new double[] {1.3, 2.5, 7.7}) {
      double series = SampledGaussianRdp.logAFractional(0.05, 0.9, order);
      assertThat(SampledGaussianRdp.logAInterpolated(0.05, 0.9, order))
          .isGreaterThanOrEqualTo(series);
    }
  }

  @Test
  void tinySigmaMeansNoPrivacyNotNaN() {
    assertThat(SampledGaussianRdp.rdp(0.1, 1e-200, 4)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(SampledGaussianRdp.rdp(0.1, 1e-200, 4.5)).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(-0.1, 1, 2))
        .hasMessageContaining("q (sampling rate) must be in [0, 1]");
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(1.5, 1, 2))
        .hasMessageContaining("q (sampling rate) must be in [0, 1]");
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(0.1, 0, 2))
        .hasMessageContaining("sigma (noise multiplier) must be a finite number > 0");
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(0.1, Double.NaN, 2))
        .hasMessageContaining("sigma");
    assertThatThrownBy(() -> SampledGaussianRdp.rdp(0.1, 1, 1.0))
        .hasMessageContaining("RDP order must be in (1, 100000]");
    assertThatThrownBy(() -> RdpOrders.of()).hasMessageContaining("at least one");
    assertThatThrownBy(() -> RdpOrders.of(2, 0.5)).hasMessageContaining("got 0.5");
  }

  @Test
  void defaultGridCoversOpacusAndTfPrivacyOrders() {
    double[] grid = RdpOrders.defaults().toArray();
    assertThat(grid).hasSize(200);
    assertThat(grid[0]).isEqualTo(1.1);
    assertThat(grid[grid.length - 1]).isEqualTo(1024.0);
    for (int x = 1; x < 100; x++) {
      assertThat(grid).contains(new double[] {1 + x / 10.0}, within(1e-12));
    }
    for (int order = 12; order < 64; order++) {
      assertThat(grid).contains((double) order);
    }
    assertThat(grid).contains(1.25, 1.5, 1.75, 2.25, 4.5, 128.0, 256.0, 512.0);
  }
}
