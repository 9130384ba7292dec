package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogMathTest {

  /** Reference: mpmath log(erfc(x)) at 40 digits. */
  @ParameterizedTest
  @CsvSource({
      "-30, 0.69314718055994530942",
      "-6, 0.69314718055994529866",
      "-2, 0.69080557364658765676",
      "-0.7, 0.51748412297910576524",
      "-1e-3, 0.0011277426501148765306",
      "0, 0.0",
      "1e-8, -1.1283791734617103078e-8",
      "0.3, -0.39843005144008528965",
      "0.5, -0.73501112983708440303",
      "1, -1.8496055099332482486",
      "2.5, -7.8068152727272643589",
      "5, -27.200889545537434422",
      "10, -102.87988902484488857",
      "27, -732.86888650789741098",
      "30, -903.97411711064387808",
      "100, -10005.177585122664333",
      "1e4, -100000009.7827053199",
      "1e8, -10000000000000018.993",
  })
  void logErfcMatchesHighPrecisionReference(double x, double expected) {
    // log(erfc) to 1e-15 relative (or absolute near 0) means erfc itself to about 1e-15 relative.
    double tolerance = Math.max(1e-15, 2e-16 * Math.abs(expected));
    assertThat(LogMath.logErfc(x)).isCloseTo(expected, within(tolerance));
  }

  @Test
  void logErfcLimits() {
    assertThat(LogMath.logErfc(Double.POSITIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(LogMath.logErfc(Double.NEGATIVE_INFINITY)).isEqualTo(Math.log(2));
    assertThat(LogMath.logErfc(Double.NaN)).isNaN();
    assertThat(LogMath.erfc(0.5)).isCloseTo(0.4795001221869534623, within(1e-16));
    assertThat(LogMath.erfc(40)).isZero();
  }

  @Test
  void logErfcIsSmoothAcrossTheOrigin() {
    double previous = LogMath.logErfc(-3);
    for (double x = -3 + 1e-3; x < 3; x += 1e-3) {
      double current = LogMath.logErfc(x);
      assertThat(current).isLessThan(previous);
      previous = current;
    }
  }

  @Test
  void logAddAndSub() {
    assertThat(LogMath.logAdd(Math.log(2), Math.log(3))).isCloseTo(Math.log(5), within(1e-15));
    assertThat(LogMath.logAdd(Double.NEGATIVE_INFINITY, 1.5)).isEqualTo(1.5);
    assertThat(LogMath.logAdd(-1000, -1000)).isCloseTo(-1000 + Math.log(2), within(1e-12));
    assertThat(LogMath.logSub(Math.log(5), Math.log(3))).isCloseTo(Math.log(2), within(1e-15));
    assertThat(LogMath.logSub(1e-20, 0)).isCloseTo(Math.log(1e-20), within(1e-12));
    assertThat(LogMath.logSub(2.0, 2.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(LogMath.logSub(2.0, Double.NEGATIVE_INFINITY)).isEqualTo(2.0);
    assertThatThrownBy(() -> LogMath.logSub(1.0, 2.0)).isInstanceOf(ArithmeticException.class);
  }
}
