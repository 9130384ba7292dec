package io.cohort.edge.privacy;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * An immutable, sorted set of Renyi orders (each a finite number in (1, 100000]) at which the
 * accountant tracks RDP. Epsilon is the minimum over the orders, so a finer, wider grid can only
 * give a smaller (tighter) epsilon.
 *
 * <p>The {@linkplain #defaults() default grid} (200 orders) contains Opacus' {@code DEFAULT_ALPHAS}
 * ({@code 1.1, 1.2, ..., 10.9} and {@code 12..63}) and TF-Privacy's {@code compute_dp_sgd_privacy}
 * orders ({@code 1.25, 1.5, ..., 4.5, 5..63, 128, 256, 512}), so its epsilon is never larger than
 * either library's, and extends to 1024 for small-epsilon regimes (tiny q, large sigma) whose best
 * order is large:
 * <ul>
 *   <li>1.1 to 10.9 in steps of 0.1, plus 1.25, 1.75, 2.25 (fractional orders: the RDP curve bends
 *       most here);</li>
 *   <li>11 to 64 in steps of 1;</li>
 *   <li>68 to 128 in steps of 4, 136 to 256 in steps of 8, 288 to 512 in steps of 32, 640 to 1024
 *       in steps of 128 (relative spacing at most 1/8, where epsilon is flat in the order).</li>
 * </ul>
 */
public final class RdpOrders {

  /** The largest order accepted (integer orders cost one term per unit of order). */
  public static final double MAX_ORDER = 100_000;

  private static final RdpOrders DEFAULTS = new RdpOrders(defaultGrid());

  private final double[] values;

  private RdpOrders(double[] sortedDistinct) {
    this.values = sortedDistinct;
  }

  /** The default grid described in the class comment. */
  public static RdpOrders defaults() {
    return DEFAULTS;
  }

  /**
   * A custom grid; duplicates are dropped and the orders sorted.
   *
   * @throws IllegalArgumentException if empty or an order is not in (1, {@link #MAX_ORDER}]
   */
  public static RdpOrders of(double... orders) {
    if (orders.length == 0) {
      throw new IllegalArgumentException("need at least one RDP order");
    }
    TreeSet<Double> set = new TreeSet<>();
    for (double order : orders) {
      if (!(order > 1.0 && order <= MAX_ORDER)) {
        throw new IllegalArgumentException("RDP order must be in (1, " + (long) MAX_ORDER
            + "], got " + order);
      }
      set.add(order);
    }
    return new RdpOrders(set.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double[] defaultGrid() {
    TreeSet<Double> set = new TreeSet<>();
    for (int tenths = 11; tenths <= 109; tenths++) {
      set.add(tenths / 10.0);
    }
    set.add(1.25);
    set.add(1.75);
    set.add(2.25);
    addRange(set, 11, 64, 1);
    addRange(set, 68, 128, 4);
    addRange(set, 136, 256, 8);
    addRange(set, 288, 512, 32);
    addRange(set, 640, 1024, 128);
    return set.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void addRange(TreeSet<Double> set, int from, int to, int step) {
    for (int order = from; order <= to; order += step) {
      set.add((double) order);
    }
  }

  /** Number of orders. */
  public int size() {
    return values.length;
  }

  /** The i-th smallest order. */
  public double get(int i) {
    return values[i];
  }

  /** A copy of the orders, ascending. */
  public double[] toArray() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RdpOrders other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return values.length + " RDP orders from " + values[0] + " to " + values[values.length - 1];
  }
}
