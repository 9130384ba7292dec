package io.cohort.edge.privacy;

/**
 * Log-space arithmetic for the accountant: sums and differences of numbers held as their
 * logarithms, and {@code log(erfc(x))} accurate over the whole real line (no underflow for large
 * x, no cancellation for negative x). Zero is {@code Double.NEGATIVE_INFINITY}.
 */
final class LogMath {

  static final double LN2 = Math.log(2.0);

  /**
   * Chebyshev coefficients (on y in [-1, 1], first one not halved) of
   * {@code g(y) = log(erfc(x) * exp(x^2) / t)} with {@code t = 2 / (2 + x) = (y + 1) / 2}, x >= 0.
   * Computed for this class with 50-digit arithmetic from 120 Chebyshev nodes; the terms left out
   * are below 1e-19, so {@code log(erfc(x)) = log(t) - x^2 + g(y)} is good to about 2e-16
   * absolute for every x >= 0, including the limit x -> infinity (y = -1).
   */
  private static final double[] ERFCX_CHEBYSHEV = {
      -1.302653719781709434,
      6.419697923564902603E-1,
      1.947647320418583631E-2,
      -9.561514786808631642E-3,
      -9.465953444820368663E-4,
      3.668394978527614519E-4,
      4.252332480690777164E-5,
      -2.027857811253424315E-5,
      -1.624290004647025513E-6,
      1.303655835580523202E-6,
      1.562644172206614318E-8,
      -8.523809591492654253E-8,
      6.529054439098851496E-9,
      5.059343495551468942E-9,
      -9.913641564930330867E-10,
      -2.273651222931835856E-10,
      9.646791102015526802E-11,
      2.394038083039114745E-12,
      -6.886027526497553398E-12,
      8.944879273090725717E-13,
      3.130921399342958078E-13,
      -1.127082236136725237E-13,
      3.810905255189232055E-16,
      7.106097613609236988E-15,
      -1.523028201457104304E-15,
      -9.457494571291234E-17,
      1.210237189224278992E-16,
      -2.816663087747176972E-17,
      5.003005559445901654E-20,
      2.328104257952925288E-18,
      -8.446077682509006598E-19,
      7.376840893227907329E-20,
  };

  private LogMath() {
  }

  /** {@code log(exp(logX) + exp(logY))}. */
  static double logAdd(double logX, double logY) {
    double hi = Math.max(logX, logY);
    double lo = Math.min(logX, logY);
    if (lo == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return hi + Math.log1p(Math.exp(lo - hi));
  }

  /**
   * {@code log(exp(logX) - exp(logY))} for {@code logX >= logY}; {@code -infinity} when they are
   * equal. A larger {@code logY} is a caller bug and throws {@link ArithmeticException}.
   */
  static double logSub(double logX, double logY) {
    if (logX < logY) {
      throw new ArithmeticException("log-space difference would be negative: " + logX + " < "
          + logY);
    }
    if (logY == Double.NEGATIVE_INFINITY) {
      return logX;
    }
    if (logX == logY) {
      return Double.NEGATIVE_INFINITY;
    }
    double d = logY - logX;
    // log(1 - e^d): log1p(-e^d) is accurate for d < -ln 2, log(-expm1(d)) closer to zero.
    return logX + (d < -LN2 ? Math.log1p(-Math.exp(d)) : Math.log(-Math.expm1(d)));
  }

  /**
   * {@code log(erfc(x))} with about 1e-15 relative accuracy in erfc for every finite x: for large
   * positive x the result is about {@code -x^2} (erfc itself would underflow past x = 27), for
   * negative x erfc approaches 2 without cancellation.
   */
  static double logErfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x >= 0) {
      return logErfcxNonNegative(x) - x * x;
    }
    // erfc(x) = 2 - erfc(-x) and erfc(-x) <= 1 here, so there is nothing to cancel.
    return LN2 + Math.log1p(-0.5 * Math.exp(logErfc(-x)));
  }

  /**
   * {@code log(erfc(x) / 2)}, the log of the standard normal tail {@code P(Z > x sqrt(2))}. Exact
   * near 0 for negative x, where {@code logErfc(x) - log(2)} would lose everything below 1e-16.
   */
  static double logHalfErfc(double x) {
    if (x >= 0 || Double.isNaN(x)) {
      return logErfc(x) - LN2;
    }
    return Math.log1p(-0.5 * Math.exp(logErfc(-x)));
  }

  /** {@code erfc(x)}, from {@link #logErfc}; 0 past x = 27 where it underflows. */
  static double erfc(double x) {
    return Math.exp(logErfc(x));
  }

  /** {@code log(exp(x^2) erfc(x))} for {@code x >= 0}: the scaled complementary error function. */
  private static double logErfcxNonNegative(double x) {
    if (x == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double t = 2.0 / (2.0 + x);
    double y = 2.0 * t - 1.0;
    // Clenshaw recurrence for sum' c_k T_k(y).
    double b1 = 0.0;
    double b2 = 0.0;
    for (int k = ERFCX_CHEBYSHEV.length - 1; k >= 1; k--) {
      double b0 = 2.0 * y * b1 - b2 + ERFCX_CHEBYSHEV[k];
      b2 = b1;
      b1 = b0;
    }
    double g = y * b1 - b2 + 0.5 * ERFCX_CHEBYSHEV[0];
    return Math.log(t) + g;
  }
}
