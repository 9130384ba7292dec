package io.cohort.coordinator.aggregation;

/**
 * FedAdagrad (Reddi et al. 2021, "Adaptive Federated Optimization", arXiv:2003.00295): the second
 * moment is the running sum of squared mean deltas, {@code v = v + delta^2}, so steps shrink for
 * parameters that have moved a lot. See {@link FedOpt} for the shared update.
 *
 * <p>Defaults ({@link StrategyFactory}) are Flower's
 * ({@code flwr.serverapp.strategy.FedAdagrad}): eta 0.1, tau 1e-3, and beta1 0 (Flower fixes it
 * at 0: no first-moment averaging, plain Adagrad). Unlike Flower, beta1 may be set, as the paper's
 * Algorithm 2 allows. There is no beta2.
 */
public final class FedAdagrad extends FedOpt {

  /**
   * @param eta server learning rate, {@code > 0}
   * @param beta1 first-moment decay, in {@code [0, 1)}; 0 is plain Adagrad
   * @param tau adaptivity constant, {@code > 0}
   * @throws IllegalArgumentException if a value is out of range
   */
  public FedAdagrad(double eta, double beta1, double tau) {
    super("fedadagrad", eta, beta1, 0, tau);
  }

  /** Adagrad: the running sum of squared deltas; it has no rate. */
  @Override
  double secondMoment(double v, double deltaSquared, double unusedBeta2) {
    return v + deltaSquared;
  }
}
