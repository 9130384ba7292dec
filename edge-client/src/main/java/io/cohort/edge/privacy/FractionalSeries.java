package io.cohort.edge.privacy;

/**
 * {@code log(A_alpha)} of the sampled Gaussian mechanism for a non-integer order alpha > 1 and
 * 0 < q < 1, by the series of Mironov, Talwar, Zhang 2019 (Section 3.3), as in Opacus'
 * {@code _compute_log_a_for_frac_alpha} and TF-Privacy's {@code _compute_log_a_frac}.
 *
 * <p>Splitting the integral at {@code z0 = sigma^2 log(1/q - 1) + 1/2} and expanding both parts
 * binomially gives {@code A = sum_i C(alpha, i) (s0_i + s1_i)} with
 * <pre>
 *   s0_i = q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2)) erfc((i - z0) / (sqrt(2) sigma)) / 2
 *   s1_i = q^(alpha-i) (1-q)^i exp((j^2 - j) / (2 sigma^2)) erfc((z0 - j) / (sqrt(2) sigma)) / 2,
 *   j = alpha - i.
 * </pre>
 * Both equal {@code |C| (1-q)^alpha exp(-z0^2 / (2 sigma^2)) erfcx(...) / 2} with erfcx falling, so
 * past {@code i = floor(alpha) + 1} the terms alternate in sign with falling, log-convex
 * magnitudes {@code a_i}. Stopping after a positive term {@code a_n}, the rest of the series lies
 * in {@code [-a_n / 2, -a_(n+1) / 2]}: {@code S_n - a_(n+1) / 2} is an upper bound on A that is
 * off by at most {@code (a_n - a_(n+1)) / 2}, and the sum stops once that is below 1e-9 of
 * {@code log(A)}. A bound on the accumulated rounding error is added as well, so the result never
 * under-reports the privacy loss.
 */
final class FractionalSeries {

  /** Truncation error allowed, relative to log(A). */
  private static final double RELATIVE_TOLERANCE = 1e-9;
  /** Below this absolute error in log(A) doubles cannot resolve anything anyway. */
  private static final double ABSOLUTE_TOLERANCE = 1e-17;
  /** Past this many terms the series returns its upper bound as it stands. */
  private static final int MAX_TERMS = 1_000_000;
  private static final double EPS = 0x1p-52;
  /** Terms smaller than the running sum by this factor (in log) add no rounding worth counting. */
  private static final double NEGLIGIBLE = -40.0;

  private final double alpha;
  private final double logQ;
  private final double log1mQ;
  private final double inv2s2;
  private final double z0;
  private final double scale;
  /** Set by {@link #logTerm}: log of the rounding error of the term it last computed. */
  private double lastLogRounding;

  private FractionalSeries(double q, double sigma, double alpha) {
    this.alpha = alpha;
    this.logQ = Math.log(q);
    this.log1mQ = Math.log1p(-q);
    this.inv2s2 = 1.0 / (2.0 * sigma * sigma);
    this.z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
    this.scale = 1.0 / (Math.sqrt(2.0) * sigma);
  }

  /**
   * An upper bound on {@code log(A_alpha)} within about 1e-9 relative, plus the bound on rounding
   * it carries (returned separately so that the caller can judge it).
   */
  static Result logA(double q, double sigma, double alpha) {
    return new FractionalSeries(q, sigma, alpha).sum();
  }

  /** {@code logA}: upper bound on log(A); {@code rounding}: how much of it may be rounding. */
  record Result(double logA, double rounding) {
  }

  private Result sum() {
    int firstTail = (int) Math.floor(alpha) + 1;
    double logPositive = Double.NEGATIVE_INFINITY;
    double logNegative = Double.NEGATIVE_INFINITY;
    // Rounding, as logs of absolute errors of A in units of the double epsilon: each term's log
    // is off by the sum of |its parts|; each addition to a non-empty sum costs the term (exp,
    // log1p) and the new sum times |its log| (the final add in log space).
    double logTermRounding = Double.NEGATIVE_INFINITY;
    double logAdditionRounding = Double.NEGATIVE_INFINITY;
    double logLargestSumRounding = Double.NEGATIVE_INFINITY;
    long additions = 0;
    double logCoef = 0.0; // log |C(alpha, i)|
    boolean negative = false; // sign of C(alpha, i)
    double logTerm = logTerm(0, logCoef);
    for (int i = 0; ; i++) {
      double logBefore = negative ? logNegative : logPositive;
      double logSum = LogMath.logAdd(logBefore, logTerm);
      if (negative) {
        logNegative = logSum;
      } else {
        logPositive = logSum;
      }
      if (logTerm - logSum > NEGLIGIBLE) {
        logTermRounding = LogMath.logAdd(logTermRounding, lastLogRounding);
        if (logBefore != Double.NEGATIVE_INFINITY) {
          logAdditionRounding = LogMath.logAdd(logAdditionRounding, logTerm);
        }
      }
      if (logBefore != Double.NEGATIVE_INFINITY) {
        additions++;
        logLargestSumRounding = Math.max(logLargestSumRounding,
            logSum + Math.log(Math.abs(logSum)));
      }

      boolean termWasPositive = !negative;
      double ratio = (alpha - i) / (i + 1);
      if (ratio < 0) {
        negative = !negative;
      }
      logCoef += Math.log(Math.abs(ratio));
      double logNext = logTerm(i + 1, logCoef);

      if (i >= firstTail && termWasPositive) {
        if (!(logPositive > LogMath.logAdd(logNegative, logNext - LogMath.LN2))) {
          return new Result(Double.NaN, Double.NaN); // lost to rounding; caller falls back
        }
        double logA = LogMath.logSub(logPositive, LogMath.logAdd(logNegative,
            logNext - LogMath.LN2));
        double logSlack = (logNext < logTerm ? LogMath.logSub(logTerm, logNext) : logTerm)
            - LogMath.LN2;
        double tolerance = Math.max(RELATIVE_TOLERANCE * logA, ABSOLUTE_TOLERANCE);
        if (logSlack - logA < Math.log(tolerance) || i >= MAX_TERMS) {
          double logSumRounding = logLargestSumRounding + Math.log(additions);
          double rounding = 2.0 * EPS * (Math.exp(logTermRounding - logA)
              + Math.exp(logAdditionRounding - logA) + Math.exp(logSumRounding - logA));
          return new Result(logA + rounding, rounding);
        }
      }
      logTerm = logNext;
    }
  }

  /**
   * {@code log(|C(alpha, i)| (s0_i + s1_i))}; also leaves in {@link #lastLogRounding} the log of
   * {@code s0 p0 + s1 p1}, p being the sum of the magnitudes of the parts of each half's
   * logarithm: the term's rounding error in units of the double epsilon.
   */
  private double logTerm(int i, double logCoef) {
    double j = alpha - i;
    // log(erfc / 2) keeps the nearly-1 factors exact near 0, so that A - 1 survives even when it
    // is far below 1e-16.
    double a0 = i * logQ;
    double b0 = j * log1mQ;
    double g0 = ((double) i * i - i) * inv2s2;
    double e0 = LogMath.logHalfErfc((i - z0) * scale);
    double a1 = j * logQ;
    double b1 = i * log1mQ;
    double g1 = (j * j - j) * inv2s2;
    double e1 = LogMath.logHalfErfc((z0 - j) * scale);
    double logS0 = logCoef + a0 + b0 + g0 + e0;
    double logS1 = logCoef + a1 + b1 + g1 + e1;
    double common = Math.abs(logCoef);
    lastLogRounding = LogMath.logAdd(
        logS0 + Math.log(common + Math.abs(a0) + Math.abs(b0) + Math.abs(g0) + Math.abs(e0)),
        logS1 + Math.log(common + Math.abs(a1) + Math.abs(b1) + Math.abs(g1) + Math.abs(e1)));
    return LogMath.logAdd(logS0, logS1);
  }
}
