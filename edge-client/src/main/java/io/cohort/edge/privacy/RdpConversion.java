package io.cohort.edge.privacy;

import java.util.Locale;

/**
 * How an RDP guarantee {@code (alpha, rdp)} becomes an {@code (epsilon, delta)} guarantee; the
 * accountant takes the minimum over its orders.
 *
 * <p>Both conversions also use the bound through the KL divergence that dp_accounting applies: if
 * {@code 1 - exp(-rdp) < delta^2} the mechanism is {@code (0, delta)}-DP at that order (so zero
 * steps give epsilon 0). Negative values are clamped to 0.
 */
public enum RdpConversion {

  /**
   * Balle, Barthe, Gaboardi, Hsu, Sato 2020, "Hypothesis testing interpretations and Renyi
   * differential privacy", Theorem 21: {@code eps = rdp + log((alpha - 1) / alpha)
   * - (log(delta) + log(alpha)) / (alpha - 1)}. The default of Opacus and of TF-Privacy /
   * dp_accounting, and always tighter than {@link #CLASSIC} for alpha > 1.
   */
  BALLE("balle") {
    @Override
    double epsilonAt(double order, double rdp, double logDelta) {
      return rdp + Math.log1p(-1.0 / order) - (logDelta + Math.log(order)) / (order - 1.0);
    }
  },

  /**
   * Mironov 2017, "Renyi Differential Privacy", Proposition 3:
   * {@code eps = rdp + log(1/delta) / (alpha - 1)}. The conversion behind the published Opacus
   * MNIST and TF-Privacy tutorial figures.
   */
  CLASSIC("classic") {
    @Override
    double epsilonAt(double order, double rdp, double logDelta) {
      return rdp - logDelta / (order - 1.0);
    }
  };

  private final String cliName;

  RdpConversion(String cliName) {
    this.cliName = cliName;
  }

  abstract double epsilonAt(double order, double rdp, double logDelta);

  /** The lower-case name used on the command line: {@code balle} or {@code classic}. */
  public String cliName() {
    return cliName;
  }

  /**
   * Parses {@code balle} or {@code classic} (case-insensitive).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static RdpConversion fromCliName(String name) {
    String lower = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (RdpConversion c : values()) {
      if (c.cliName.equals(lower)) {
        return c;
      }
    }
    throw new IllegalArgumentException("conversion must be 'balle' or 'classic', got '" + name
        + "'");
  }

  /**
   * The best epsilon over the orders for RDP values {@code rdp[k]} at {@code orders.get(k)}.
   *
   * @throws IllegalArgumentException if delta is not in (0, 1) or the lengths differ
   */
  public EpsilonResult epsilon(RdpOrders orders, double[] rdp, double delta) {
    Checks.delta("delta", delta);
    if (rdp.length != orders.size()) {
      throw new IllegalArgumentException("got " + rdp.length + " RDP values for "
          + orders.size() + " orders");
    }
    double logDelta = Math.log(delta);
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    for (int k = 0; k < rdp.length; k++) {
      double r = rdp[k];
      if (!(r >= 0.0 && r < Double.POSITIVE_INFINITY)) {
        continue;
      }
      double eps = delta * delta + Math.expm1(-r) > 0.0 ? 0.0
          : epsilonAt(orders.get(k), r, logDelta);
      if (eps < best) {
        best = eps;
        bestOrder = orders.get(k);
      }
    }
    return new EpsilonResult(Math.max(0.0, best), bestOrder);
  }
}
