package io.cohort.coordinator.aggregation;

/**
 * FedAvg (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data", arXiv:1602.05629): the sample-weighted mean of the clients' models, computed
 * as the current model plus the weighted mean of their deltas. Stateless.
 *
 * <p>Not final: {@link FedProx} is FedAvg on the server and only changes the round configuration.
 */
public class FedAvg extends ServerOptimizer {

  public FedAvg() {
    this("fedavg");
  }

  FedAvg(String name) {
    super(name);
  }

  @Override
  void step(float[] current, double[] meanDelta, float[][] state, float[] next) {
    for (int i = 0; i < next.length; i++) {
      next[i] = (float) (current[i] + meanDelta[i]);
    }
  }
}
