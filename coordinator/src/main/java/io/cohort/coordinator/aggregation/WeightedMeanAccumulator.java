package io.cohort.coordinator.aggregation;

/**
 * Streaming weighted mean: keeps only the running weighted sum (in double precision) and the total
 * weight, so memory is one model whatever the number of clients.
 */
public final class WeightedMeanAccumulator implements UpdateAccumulator {

  private final double[] sum;
  private long totalWeight;
  private int count;
  private boolean finished;

  public WeightedMeanAccumulator(int elements) {
    this.sum = new double[elements];
  }

  @Override
  public synchronized void add(float[] delta, long weight) {
    if (finished) {
      throw new IllegalStateException("the round's mean was already taken");
    }
    checkUpdate(delta, weight, sum.length);
    for (int i = 0; i < sum.length; i++) {
      sum[i] += (double) weight * delta[i];
    }
    totalWeight += weight;
    count++;
  }

  /**
   * The checks every accumulator makes on an update.
   *
   * @throws IllegalArgumentException if {@code delta} does not have {@code elements} elements or
   *     {@code weight} is not positive
   */
  static void checkUpdate(float[] delta, long weight, int elements) {
    if (delta.length != elements) {
      throw new IllegalArgumentException("update has " + delta.length + " elements, expected "
          + elements);
    }
    if (weight <= 0) {
      throw new IllegalArgumentException("update weight must be positive, got " + weight);
    }
  }

  @Override
  public synchronized int count() {
    return count;
  }

  @Override
  public synchronized long totalWeight() {
    return totalWeight;
  }

  /**
   * The round's mean update for a model of {@code elements} trainable parameters: what the
   * FedAvg-family strategies apply (FedAvg adds it as is; the FedOpt family treats it as the
   * pseudo-gradient).
   *
   * @throws IllegalArgumentException if {@code accumulator} did not come from a strategy's {@code
   *     newAccumulator} or holds updates of another size
   * @throws IllegalStateException if no update was added
   */
  static double[] meanDelta(UpdateAccumulator accumulator, int elements) {
    if (!(accumulator instanceof WeightedMeanAccumulator weighted)) {
      throw new IllegalArgumentException("expected the accumulator made by newAccumulator, got "
          + accumulator.getClass().getName());
    }
    double[] mean = weighted.finishInPlace();
    if (mean.length != elements) {
      throw new IllegalArgumentException("the round accumulated updates of " + mean.length
          + " elements but the model has " + elements);
    }
    return mean;
  }

  /**
   * The round's weighted mean, computed in place in the sum (no second model-sized array: at 10M
   * parameters that is 80 MB less per round). The accumulator then takes no more updates;
   * calling this again returns the same mean.
   */
  synchronized double[] finishInPlace() {
    if (count == 0) {
      throw new IllegalStateException("no updates to average");
    }
    if (!finished) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] /= totalWeight;
      }
      finished = true;
    }
    return sum;
  }

  /** The weighted mean of the updates added so far. */
  public synchronized double[] mean() {
    if (count == 0) {
      throw new IllegalStateException("no updates to average");
    }
    if (finished) {
      return sum.clone();
    }
    double[] mean = new double[sum.length];
    for (int i = 0; i < sum.length; i++) {
      mean[i] = sum[i] / totalWeight;
    }
    return mean;
  }
}
