package io.cohort.coordinator.aggregation;

import io.cohort.coordinator.aggregation.StrategyParameter.Range;
import io.cohort.proto.v1.TrainConfig;

/**
 * FedProx (Li et al. 2020, "Federated Optimization in Heterogeneous Networks", MLSys,
 * arXiv:1812.06127).
 *
 * <p>Why it is only a round configuration: FedProx changes the clients' local objective, not the
 * server's. Each client minimises its loss plus {@code (mu / 2) * |w - w_global|^2}, which keeps
 * local models near the global one when data or local work differ across sites; the server then
 * aggregates exactly as FedAvg does. So this strategy sets {@code TrainConfig.proximal_mu} and
 * inherits the rest from {@link FedAvg}.
 *
 * <p>Default mu ({@link StrategyFactory}): 0.01, a mild pull. Flower's default is 0.0, which makes
 * FedProx plain FedAvg; choosing {@code fedprox} signals that a pull is wanted.
 */
public final class FedProx extends FedAvg {

  private final double proximalMu;

  /**
   * @param proximalMu the proximal coefficient mu, {@code >= 0}; 0 makes this FedAvg
   * @throws IllegalArgumentException if {@code proximalMu} is negative, infinite or NaN
   */
  public FedProx(double proximalMu) {
    super("fedprox");
    this.proximalMu = Range.NON_NEGATIVE.check(StrategyFactory.PROXIMAL_MU, proximalMu);
  }

  /** The base configuration with {@code proximal_mu} set; every other field is kept. */
  @Override
  public TrainConfig configureRound(int round, TrainConfig base) {
    return base.toBuilder().setProximalMu(proximalMu).build();
  }
}
