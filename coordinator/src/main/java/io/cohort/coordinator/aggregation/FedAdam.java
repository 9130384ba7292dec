package io.cohort.coordinator.aggregation;

/**
 * FedAdam (Reddi et al. 2021, "Adaptive Federated Optimization", arXiv:2003.00295): the second
 * moment is an exponential average of the squared mean delta, {@code v = beta2 * v + (1 - beta2) *
 * delta^2}, as in Adam. See {@link FedOpt} for the shared update.
 *
 * <p>Defaults ({@link StrategyFactory}) are Flower's ({@code flwr.serverapp.strategy.FedAdam}):
 * eta 0.1, beta1 0.9, beta2 0.99, tau 1e-3.
 */
public final class FedAdam extends FedOpt {

  /**
   * @param eta server learning rate, {@code > 0}
   * @param beta1 first-moment decay, in {@code [0, 1)}
   * @param beta2 second-moment rate, in {@code [0, 1)}
   * @param tau adaptivity constant, {@code > 0}
   * @throws IllegalArgumentException if a value is out of range
   */
  public FedAdam(double eta, double beta1, double beta2, double tau) {
    super("fedadam", eta, beta1, beta2, tau);
  }

  @Override
  double secondMoment(double v, double deltaSquared, double beta2) {
    return beta2 * v + (1 - beta2) * deltaSquared;
  }
}
