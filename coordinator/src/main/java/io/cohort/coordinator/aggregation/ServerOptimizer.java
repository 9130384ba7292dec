package io.cohort.coordinator.aggregation;

import io.cohort.proto.v1.TrainConfig;

/**
 * The common shape of Cohort's built-in strategies, after the FedOpt framing of Reddi et al. 2021
 * ("Adaptive Federated Optimization", arXiv:2003.00295, Algorithm 1): clients train locally, the
 * server folds their deltas into a sample-weighted mean as they arrive, and at the end of the round
 * a server optimizer takes one step with that mean (the negative of a pseudo-gradient). FedAvg is
 * the plain step with rate 1; FedAvgM adds momentum; FedAdam, FedYogi and FedAdagrad are adaptive.
 *
 * <p>Why a base class: the round mechanics (accumulator, size checks, thread safety, saving and
 * restoring the optimizer's per-parameter vectors) are the same for all; a subclass supplies only
 * {@link #step}, the initial values of its state vectors, and, for FedProx, the round config.
 */
public abstract class ServerOptimizer implements Strategy {

  private final String name;
  private final ServerOptimizerState state;

  /**
   * @param name the strategy name, also written into saved state
   * @param initialValues one value per state vector, what each of its elements starts at; none for
   *     a stateless strategy
   */
  ServerOptimizer(String name, float... initialValues) {
    this.name = name;
    this.state = new ServerOptimizerState(name, initialValues);
  }

  /**
   * One server step for every parameter {@code i}: sets {@code next[i]} from {@code current[i]} and
   * {@code meanDelta[i]}, updating the state vectors in place.
   */
  abstract void step(float[] current, double[] meanDelta, float[][] state, float[] next);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public TrainConfig configureRound(int round, TrainConfig base) {
    return base;
  }

  @Override
  public final UpdateAccumulator newAccumulator(int elements) {
    return new WeightedMeanAccumulator(elements);
  }

  /**
   * @throws IllegalStateException if no update was accumulated (the state is then unchanged)
   * @throws IllegalArgumentException if the accumulator, the model and the state differ in size
   */
  @Override
  public final float[] finishRound(float[] current, UpdateAccumulator accumulator) {
    return applyMeanDelta(current, WeightedMeanAccumulator.meanDelta(accumulator, current.length));
  }

  /**
   * One server step with a round's mean delta computed elsewhere ({@link CentralDp} passes its
   * clipped, noised mean): the new parameters, advancing the optimizer state.
   *
   * @throws IllegalArgumentException if the mean delta, the model and the state differ in size
   */
  final synchronized float[] applyMeanDelta(float[] current, double[] meanDelta) {
    if (meanDelta.length != current.length) {
      throw new IllegalArgumentException("the round's mean delta has " + meanDelta.length
          + " elements but the model has " + current.length);
    }
    float[] next = new float[current.length];
    step(current, meanDelta, state.vectors(current.length), next);
    state.roundApplied();
    return next;
  }

  /** The optimizer state after the last round; empty before the first round or if stateless. */
  @Override
  public final synchronized byte[] saveState() {
    return state.save();
  }

  /**
   * @throws IllegalArgumentException if {@code saved} is neither empty nor this strategy's state;
   *     the state is then unchanged
   */
  @Override
  public final synchronized void restoreState(byte[] saved) {
    state.restore(saved);
  }
}
