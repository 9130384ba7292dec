package io.cohort.coordinator.aggregation;

/**
 * FedYogi (Reddi et al. 2021, "Adaptive Federated Optimization", arXiv:2003.00295; the Yogi rule is
 * from Zaheer et al. 2018, "Adaptive Methods for Nonconvex Optimization", NeurIPS): {@code v = v -
 * (1 - beta2) * delta^2 * sign(v - delta^2)}. See {@link FedOpt} for the shared update.
 *
 * <p>Why: Adam's {@code v} moves by a fraction of its own size, so after a few large deltas it can
 * fall quickly and the effective step jumps. Yogi moves {@code v} towards {@code delta^2} by a step
 * that does not depend on {@code v}, so the effective step changes more gradually.
 *
 * <p>Defaults ({@link StrategyFactory}) are Flower's ({@code flwr.serverapp.strategy.FedYogi}):
 * eta 0.01, beta1 0.9, beta2 0.99, tau 1e-3.
 */
public final class FedYogi extends FedOpt {

  /**
   * @param eta server learning rate, {@code > 0}
   * @param beta1 first-moment decay, in {@code [0, 1)}
   * @param beta2 second-moment rate, in {@code [0, 1)}
   * @param tau adaptivity constant, {@code > 0}
   * @throws IllegalArgumentException if a value is out of range
   */
  public FedYogi(double eta, double beta1, double beta2, double tau) {
    super("fedyogi", eta, beta1, beta2, tau);
  }

  @Override
  double secondMoment(double v, double deltaSquared, double beta2) {
    return v - (1 - beta2) * deltaSquared * Math.signum(v - deltaSquared);
  }
}
