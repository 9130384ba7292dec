package io.cohort.edge.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * RDP accountant for DP-SGD with Poisson sampling: records phases of training
 * ({@link #step(double, double, long) step(q, sigma, steps)}, any number of times, with different q
 * and sigma per round if need be) and reports the (epsilon, delta) spent so far. RDP adds up over
 * steps and phases at every order of the grid; epsilon is the minimum over the orders of the
 * chosen {@link RdpConversion} ({@link RdpConversion#BALLE} by default).
 *
 * <p>The accounting assumes each step samples every record independently with probability q
 * (Poisson sampling, variable batch size). Fixed-size shuffled batches do not satisfy it.
 *
 * <p>Typical use before a round: {@code accountant.epsilonAfter(q, sigma, plannedSteps, delta)}
 * tells the epsilon the round would reach without recording it; after the round,
 * {@code accountant.step(q, sigma, stepsDone)}. Thread-safe.
 *
 * <p>Valid input, else {@link IllegalArgumentException} naming the parameter and its range:
 * q in (0, 1] (a zero rate here is a misconfiguration: it would train on nothing; the bare
 * {@link SampledGaussianRdp#rdp} accepts it and returns 0), sigma finite and > 0, steps >= 0
 * (0 records nothing), delta in (0, 1).
 */
public final class PrivacyAccountant {

  /** Largest default delta; see {@link #defaultDelta(long)}. */
  public static final double MAX_DEFAULT_DELTA = 1e-5;

  /** One recorded phase: {@code steps} steps at sampling rate q and noise multiplier sigma. */
  public record Phase(double q, double sigma, long steps) {
  }

  private final RdpOrders orders;
  private final double[] rdp;
  private final List<Phase> phases = new ArrayList<>();

  /** An empty accountant on the {@linkplain RdpOrders#defaults() default orders}. */
  public PrivacyAccountant() {
    this(RdpOrders.defaults());
  }

  /** An empty accountant on the given orders. */
  public PrivacyAccountant(RdpOrders orders) {
    this.orders = orders;
    this.rdp = new double[orders.size()];
  }

  /**
   * The default delta for a local dataset of n records: {@code min(1e-5, 1 / (10 n))}. Delta is
   * the probability of a catastrophic leak, so it must be well below {@code 1/n} (a mechanism
   * that publishes one random record outright is (0, 1/n)-DP); {@code 1/(10 n)} keeps a
   * tenfold margin, and 1e-5 is the customary cap (Opacus and TF-Privacy examples).
   *
   * @throws IllegalArgumentException if {@code records < 1}
   */
  public static double defaultDelta(long records) {
    if (records < 1) {
      throw new IllegalArgumentException("records (local dataset size) must be >= 1, got "
          + records);
    }
    return Math.min(MAX_DEFAULT_DELTA, 1.0 / (10.0 * records));
  }

  /**
   * Epsilon of {@code steps} steps at (q, sigma) from scratch, on the default orders.
   *
   * @throws IllegalArgumentException for q not in (0, 1], sigma not finite and > 0, steps < 0 or
   *     delta not in (0, 1)
   */
  public static EpsilonResult epsilon(double q, double sigma, long steps, double delta,
      RdpConversion conversion) {
    return new PrivacyAccountant().epsilonAfter(q, sigma, steps, delta, conversion);
  }

  /**
   * Records {@code steps} steps with sampling rate q and noise multiplier sigma.
   *
   * @return this accountant
   * @throws IllegalArgumentException for q not in (0, 1], sigma not finite and > 0 or steps < 0
   */
  public synchronized PrivacyAccountant step(double q, double sigma, long steps) {
    double[] perStep = checkedPerStep(q, sigma, steps);
    if (steps == 0) {
      return this;
    }
    addInto(rdp, perStep, steps);
    int last = phases.size() - 1;
    if (last >= 0 && phases.get(last).q() == q && phases.get(last).sigma() == sigma) {
      phases.set(last, new Phase(q, sigma, phases.get(last).steps() + steps));
    } else {
      phases.add(new Phase(q, sigma, steps));
    }
    return this;
  }

  /** Epsilon spent so far at this delta, with the {@link RdpConversion#BALLE} conversion. */
  public EpsilonResult epsilon(double delta) {
    return epsilon(delta, RdpConversion.BALLE);
  }

  /**
   * Epsilon spent so far at this delta.
   *
   * @throws IllegalArgumentException if delta is not in (0, 1)
   */
  public synchronized EpsilonResult epsilon(double delta, RdpConversion conversion) {
    return conversion.epsilon(orders, rdp, delta);
  }

  /** {@link #epsilonAfter(double, double, long, double, RdpConversion)} with Balle conversion. */
  public EpsilonResult epsilonAfter(double q, double sigma, long steps, double delta) {
    return epsilonAfter(q, sigma, steps, delta, RdpConversion.BALLE);
  }

  /**
   * The epsilon this accountant would report after {@code steps} more steps at (q, sigma), without
   * recording them: the budget check before accepting a round.
   *
   * @throws IllegalArgumentException for q not in (0, 1], sigma not finite and > 0, steps < 0 or
   *     delta not in (0, 1)
   */
  public synchronized EpsilonResult epsilonAfter(double q, double sigma, long steps,
      double delta, RdpConversion conversion) {
    double[] perStep = checkedPerStep(q, sigma, steps);
    double[] total = rdp.clone();
    addInto(total, perStep, steps);
    return conversion.epsilon(orders, total, delta);
  }

  /** The orders this accountant tracks. */
  public RdpOrders orders() {
    return orders;
  }

  /** Accumulated RDP at each order (a copy, aligned with {@link #orders()}). */
  public synchronized double[] rdp() {
    return rdp.clone();
  }

  /** The recorded phases in order; consecutive steps with the same (q, sigma) are merged. */
  public synchronized List<Phase> phases() {
    return List.copyOf(phases);
  }

  /** Total number of recorded steps. */
  public synchronized long totalSteps() {
    return phases.stream().mapToLong(Phase::steps).sum();
  }

  /** A copy with the same orders, RDP and phases. */
  public synchronized PrivacyAccountant copy() {
    PrivacyAccountant copy = new PrivacyAccountant(orders);
    System.arraycopy(rdp, 0, copy.rdp, 0, rdp.length);
    copy.phases.addAll(phases);
    return copy;
  }

  private double[] checkedPerStep(double q, double sigma, long steps) {
    Checks.samplingRate("q", q);
    Checks.noiseMultiplier("sigma", sigma);
    Checks.steps("steps", steps);
    return SampledGaussianRdp.perStep(q, sigma, orders);
  }

  static void addInto(double[] total, double[] perStep, long steps) {
    if (steps == 0) {
      return; // also keeps 0 * infinity out
    }
    for (int k = 0; k < total.length; k++) {
      total[k] += steps * perStep[k];
    }
  }
}
