package io.cohort.coordinator.aggregation;

import io.cohort.coordinator.aggregation.StrategyParameter.Range;

/**
 * FedAvg with server momentum (Hsu, Qi and Brown 2019, "Measuring the Effects of Non-Identical Data
 * Distribution for Federated Visual Classification", arXiv:1909.06335).
 *
 * <p>Each round: {@code v = momentum * v + meanDelta; x = x + serverLearningRate * v}, with
 * {@code v} zero before the first round. Why: with non-IID sites the round means point in noisy,
 * partly cancelling directions; momentum averages them over rounds, like heavy-ball SGD on the
 * pseudo-gradient {@code -meanDelta}. With momentum 0 and learning rate 1 it is exactly FedAvg. It
 * is the same update as Flower's FedAvgM and PyTorch's SGD momentum (no dampening, no Nesterov).
 *
 * <p>Defaults ({@link StrategyFactory}): server learning rate 1.0 (Flower's) and momentum 0.9
 * (Flower's 0.0 would make this FedAvg).
 *
 * <p>State: the momentum vector {@code v}, saved as one float32 vector (see
 * {@link ServerOptimizerState}).
 */
public final class FedAvgM extends ServerOptimizer {

  private final double serverLearningRate;
  private final double momentum;

  /**
   * @param serverLearningRate step size applied to the momentum, {@code > 0}
   * @param momentum decay of the momentum, in {@code [0, 1)}
   * @throws IllegalArgumentException if a value is out of range
   */
  public FedAvgM(double serverLearningRate, double momentum) {
    super("fedavgm", 0f);
    this.serverLearningRate =
        Range.POSITIVE.check(StrategyFactory.SERVER_LEARNING_RATE, serverLearningRate);
    this.momentum = Range.DECAY.check(StrategyFactory.MOMENTUM, momentum);
  }

  @Override
  void step(float[] current, double[] meanDelta, float[][] state, float[] next) {
    float[] velocity = state[0];
    for (int i = 0; i < next.length; i++) {
      double v = momentum * velocity[i] + meanDelta[i];
      velocity[i] = (float) v;
      next[i] = (float) (current[i] + serverLearningRate * v);
    }
  }
}
