package io.cohort.coordinator.aggregation;

import io.cohort.proto.v1.TrainConfig;

/** FedAvg (McMahan et al. 2017): the sample-weighted mean of the clients' models. */
public final class FedAvg implements Strategy {

  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  public TrainConfig configureRound(int round, TrainConfig base) {
    return base;
  }

  @Override
  public UpdateAccumulator newAccumulator(int elements) {
    return new WeightedMeanAccumulator(elements);
  }

  @Override
  public float[] finishRound(float[] current, UpdateAccumulator accumulator) {
    double[] mean = ((WeightedMeanAccumulator) accumulator).mean();
    float[] next = new float[current.length];
    for (int i = 0; i < next.length; i++) {
      next[i] = (float) (current[i] + mean[i]);
    }
    return next;
  }

  @Override
  public byte[] saveState() {
    return new byte[0];
  }

  @Override
  public void restoreState(byte[] state) {}
}
