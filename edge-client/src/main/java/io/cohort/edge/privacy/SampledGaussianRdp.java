package io.cohort.edge.privacy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renyi differential privacy of one step of the Poisson-subsampled Gaussian mechanism (Mironov,
 * Talwar, Zhang 2019, "Renyi Differential Privacy of the Sampled Gaussian Mechanism"): each record
 * is included independently with probability q, the summed (sensitivity-1) contributions get
 * Gaussian noise of standard deviation sigma. RDP composes additively over steps.
 *
 * <p>With {@code A_alpha = E_{z ~ N(0, sigma^2)}[((1 - q) + q exp((2z - 1) / (2 sigma^2)))^alpha]}
 * the RDP at order alpha is {@code log(A_alpha) / (alpha - 1)}:
 * <ul>
 *   <li>integer alpha: the exact binomial expansion
 *       {@code A = sum_i C(alpha, i) q^i (1 - q)^(alpha - i) exp((i^2 - i) / (2 sigma^2))},
 *       summed in log space as {@code 1 + (A - 1)} with {@code A - 1} a sum of positive terms,
 *       so that tiny q keeps full relative precision;</li>
 *   <li>fractional alpha: the paper's series ({@link FractionalSeries}), an upper bound within
 *       1e-9 relative plus a rounding bound; where A - 1 is so tiny that rounding swamps it, the
 *       convexity bound from the exact neighbouring integer orders if that is tighter.</li>
 * </ul>
 * The same formulas as Opacus' {@code opacus/accountants/analysis/rdp.py} and TF-Privacy's
 * {@code rdp_accountant.py}. q = 0 gives 0 (nothing can leak), q = 1 the plain Gaussian mechanism
 * {@code alpha / (2 sigma^2)}.
 *
 * <p>Per-step vectors over a grid are cached per (q, sigma, orders) (the last 256 combinations),
 * because clients recompute epsilon before every round with the same parameters.
 */
public final class SampledGaussianRdp {

  /** Rounding in the fractional series, relative to log(A), above which the bound is tried. */
  private static final double ROUNDING_RELATIVE_TOLERANCE = 1e-7;
  private static final int CACHE_SIZE = 256;

  private static final Map<CacheKey, double[]> CACHE =
      new LinkedHashMap<>(CACHE_SIZE * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CacheKey, double[]> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  private record CacheKey(double q, double sigma, RdpOrders orders) {
  }

  private SampledGaussianRdp() {
  }

  /**
   * RDP of one step at one order.
   *
   * @param q the sampling rate, in [0, 1] (0 is allowed here and gives 0)
   * @param sigma the noise multiplier (noise standard deviation / sensitivity), finite and > 0
   * @param order the Renyi order, in (1, {@link RdpOrders#MAX_ORDER}]
   * @return the RDP, {@code +infinity} if sigma is so small that it overflows
   * @throws IllegalArgumentException for a parameter outside its range
   */
  public static double rdp(double q, double sigma, double order) {
    checkRateAndNoise(q, sigma);
    if (!(order > 1.0 && order <= RdpOrders.MAX_ORDER)) {
      throw new IllegalArgumentException("RDP order must be in (1, " + (long) RdpOrders.MAX_ORDER
          + "], got " + order);
    }
    return unchecked(q, sigma, order);
  }

  /**
   * RDP of one step at every order of the grid, in grid order.
   *
   * @throws IllegalArgumentException if q is not in [0, 1] or sigma not finite and > 0
   */
  public static double[] rdp(double q, double sigma, RdpOrders orders) {
    checkRateAndNoise(q, sigma);
    return perStep(q, sigma, orders).clone();
  }

  /** Here q = 0 is allowed (a step that samples nobody); the accountant itself refuses it. */
  private static void checkRateAndNoise(double q, double sigma) {
    if (!(q >= 0.0 && q <= 1.0)) {
      throw new IllegalArgumentException("q (sampling rate) must be in [0, 1], got " + q);
    }
    Checks.noiseMultiplier("sigma", sigma);
  }

  /** Cached per-step vector; callers must not modify it. Parameters already validated. */
  static double[] perStep(double q, double sigma, RdpOrders orders) {
    CacheKey key = new CacheKey(q, sigma, orders);
    synchronized (CACHE) {
      double[] hit = CACHE.get(key);
      if (hit != null) {
        return hit;
      }
    }
    double[] computed = uncachedPerStep(q, sigma, orders);
    synchronized (CACHE) {
      CACHE.put(key, computed);
    }
    return computed;
  }

  /** Per-step vector without touching the cache (for searches over many sigmas). */
  static double[] uncachedPerStep(double q, double sigma, RdpOrders orders) {
    double[] out = new double[orders.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = unchecked(q, sigma, orders.get(k));
    }
    return out;
  }

  private static double unchecked(double q, double sigma, double order) {
    if (q == 0.0) {
      return 0.0;
    }
    if (q == 1.0) {
      return order / (2.0 * sigma * sigma);
    }
    double logA = order == Math.rint(order)
        ? logAInteger(q, sigma, (int) order)
        : logAFractional(q, sigma, order);
    double rdp = logA / (order - 1.0);
    // NaN only comes from infinities meeting (sigma so small that exp overflows): no privacy.
    return Double.isNaN(rdp) ? Double.POSITIVE_INFINITY : Math.max(0.0, rdp);
  }

  /** {@code log(A_alpha)} for integer {@code alpha >= 2} and {@code 0 < q < 1}, exactly. */
  static double logAInteger(double q, double sigma, int alpha) {
    // The binomial weights C(alpha, i) q^i (1 - q)^(alpha - i) sum to 1, so
    // A - 1 = sum_{i >= 2} C(alpha, i) q^i (1 - q)^(alpha - i) expm1((i^2 - i) / (2 sigma^2)):
    // positive terms only, which keeps full relative precision even when A - 1 is below 1e-16.
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double inv2s2 = 1.0 / (2.0 * sigma * sigma);
    double logCoef = Math.log(alpha * (alpha - 1.0) / 2.0);
    // Streaming log-sum-exp: sum = exp(max) * (1 + rest).
    double max = Double.NEGATIVE_INFINITY;
    double rest = 0.0;
    for (int i = 2; i <= alpha; i++) {
      double x = ((double) i * i - i) * inv2s2;
      double logExpm1 = x > 40.0 ? x : Math.log(Math.expm1(x)); // past 40, e^x - 1 == e^x
      double term = logCoef + i * logQ + (alpha - i) * log1mQ + logExpm1;
      if (term <= max) {
        rest += Math.exp(term - max);
      } else {
        rest = (rest + 1.0) * Math.exp(max - term);
        max = term;
      }
      logCoef += Math.log((double) (alpha - i) / (i + 1));
    }
    return LogMath.logAdd(0.0, max + Math.log1p(rest));
  }

  /**
   * {@code log(A_alpha)} for non-integer {@code alpha > 1} and {@code 0 < q < 1}: the series of
   * {@link FractionalSeries} (an upper bound), or the integer neighbours' convexity bound where
   * that is tighter because rounding swamps a tiny A - 1.
   */
  static double logAFractional(double q, double sigma, double alpha) {
    FractionalSeries.Result series = FractionalSeries.logA(q, sigma, alpha);
    if (series.rounding() <= ROUNDING_RELATIVE_TOLERANCE * series.logA()) {
      return series.logA();
    }
    double interpolated = logAInterpolated(q, sigma, alpha);
    return Double.isNaN(series.logA()) ? interpolated : Math.min(series.logA(), interpolated);
  }

  /**
   * Upper bound on {@code log(A_alpha)} for fractional alpha from the neighbouring integer orders,
   * by convexity of {@code log(A_alpha)} in alpha ({@code log(A_1) = 0}). A safe fallback, looser
   * than the series.
   */
  static double logAInterpolated(double q, double sigma, double alpha) {
    int lo = (int) Math.floor(alpha);
    double t = alpha - lo;
    double logALo = lo == 1 ? 0.0 : logAInteger(q, sigma, lo);
    return (1.0 - t) * logALo + t * logAInteger(q, sigma, lo + 1);
  }
}
