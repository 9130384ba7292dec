package io.cohort.edge.privacy;

import java.util.Locale;

/**
 * The inverse of the accountant: the smallest noise multiplier sigma whose epsilon, for the
 * planned steps at sampling rate q and the given delta, stays within a target. Epsilon falls
 * monotonically in sigma, so the solver brackets the target by doubling/halving from sigma = 1 and
 * bisects on log(sigma) to a relative width of 1e-9, returning the upper end (its epsilon is
 * {@code <=} the target: rounding errs on the side of privacy).
 *
 * <p>Sigma is searched in [{@link #MIN_SIGMA}, {@link #MAX_SIGMA}]. A target below what even
 * {@code MAX_SIGMA} reaches (the conversion alone costs some epsilon at a given delta, growing as
 * delta shrinks) is unreachable; a target that even {@code MIN_SIGMA} meets is not a meaningful
 * privacy budget. Both are reported as {@link IllegalArgumentException} saying what to change.
 */
public final class SigmaSolver {

  /** Smallest sigma searched. */
  public static final double MIN_SIGMA = 1e-3;
  /** Largest sigma searched. */
  public static final double MAX_SIGMA = 1e6;
  private static final double RELATIVE_WIDTH = 1e-9;

  /** The solved {@code sigma} and the {@code epsilon} (at its best {@code order}) it gives. */
  public record Solution(double sigma, double epsilon, double order) {
  }

  private SigmaSolver() {
  }

  /**
   * Solves for sigma from scratch on the default orders.
   *
   * @throws IllegalArgumentException for targetEpsilon not finite and > 0, q not in (0, 1],
   *     steps < 1, delta not in (0, 1), or a target out of reach (see the class comment)
   */
  public static Solution solve(double targetEpsilon, double q, long steps, double delta,
      RdpConversion conversion) {
    return solve(new PrivacyAccountant(), targetEpsilon, q, steps, delta, conversion);
  }

  /**
   * Solves for the sigma of {@code steps} more steps on top of what {@code spent} has recorded,
   * so that the total stays within {@code targetEpsilon}. {@code spent} is not modified.
   *
   * @throws IllegalArgumentException as {@link #solve(double, double, long, double,
   *     RdpConversion)}, and when {@code spent} alone already exceeds the target
   */
  public static Solution solve(PrivacyAccountant spent, double targetEpsilon, double q,
      long steps, double delta, RdpConversion conversion) {
    Checks.epsilonTarget("epsilon", targetEpsilon);
    Checks.samplingRate("q", q);
    Checks.delta("delta", delta);
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1 to solve for sigma, got " + steps);
    }
    double[] prior = spent.rdp();
    RdpOrders orders = spent.orders();
    EpsilonResult already = conversion.epsilon(orders, prior, delta);
    if (already.epsilon() > targetEpsilon) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "epsilon %s is unreachable: %.4g is already spent at delta %s", targetEpsilon,
          already.epsilon(), delta));
    }
    Objective f = sigma -> {
      double[] total = prior.clone();
      PrivacyAccountant.addInto(total, SampledGaussianRdp.uncachedPerStep(q, sigma, orders),
          steps);
      return conversion.epsilon(orders, total, delta);
    };

    double lo;
    double hi;
    EpsilonResult atHi;
    EpsilonResult atOne = f.at(1.0);
    if (atOne.epsilon() > targetEpsilon) {
      lo = 1.0;
      hi = 2.0;
      while ((atHi = f.at(hi)).epsilon() > targetEpsilon) {
        if (hi >= MAX_SIGMA) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "epsilon %s is unreachable for q=%s, %d steps, delta=%s: even sigma=%.0f gives "
                  + "epsilon %.4g; allow a larger epsilon or delta, or plan fewer steps or a "
                  + "smaller q", targetEpsilon, q, steps, delta, MAX_SIGMA, atHi.epsilon()));
        }
        lo = hi;
        hi = Math.min(MAX_SIGMA, 2.0 * hi);
      }
    } else {
      hi = 1.0;
      atHi = atOne;
      lo = 0.5;
      EpsilonResult atLo;
      while ((atLo = f.at(lo)).epsilon() <= targetEpsilon) {
        if (lo <= MIN_SIGMA) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "epsilon %s is too large to calibrate: even sigma=%.3f stays within it for q=%s, "
                  + "%d steps, delta=%s; choose a smaller epsilon", targetEpsilon, MIN_SIGMA, q,
              steps, delta));
        }
        hi = lo;
        atHi = atLo;
        lo = Math.max(MIN_SIGMA, 0.5 * lo);
      }
    }
    while (hi / lo - 1.0 > RELATIVE_WIDTH) {
      double mid = Math.sqrt(lo * hi);
      EpsilonResult atMid = f.at(mid);
      if (atMid.epsilon() > targetEpsilon) {
        lo = mid;
      } else {
        hi = mid;
        atHi = atMid;
      }
    }
    return new Solution(hi, atHi.epsilon(), atHi.order());
  }

  @FunctionalInterface
  private interface Objective {
    EpsilonResult at(double sigma);
  }
}
