package io.cohort.coordinator.aggregation;

import io.cohort.coordinator.aggregation.StrategyParameter.Range;

/**
 * The adaptive server optimizers of Reddi et al. 2021, "Adaptive Federated Optimization" (ICLR,
 * arXiv:2003.00295, Algorithm 2): {@link FedAdam}, {@link FedYogi} and {@link FedAdagrad}. They
 * differ only in how the second moment {@code v} is updated, which is the one method a subclass
 * provides.
 *
 * <p>Each round, per parameter, with {@code delta} the round's sample-weighted mean delta (the
 * pseudo-gradient, with the sign of a step rather than a gradient):
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * delta
 *   v = secondMoment(v, delta^2)
 *   x = x + eta * m / (sqrt(v) + tau)
 * </pre>
 *
 * with {@code m} starting at 0 and {@code v} at {@code tau^2} (the paper's
 * {@code v_{-1} >= tau^2}).
 *
 * <p>Why adaptive: client deltas of different parameters differ in scale by orders of magnitude
 * (embeddings, rare features); dividing by {@code sqrt(v)} makes each parameter's step about
 * {@code eta} whatever the scale of its deltas, which FedAvg's single global step cannot.
 * {@code tau} bounds the adaptivity: the larger it is, the closer the update is to momentum SGD
 * with rate {@code eta / tau}.
 *
 * <p>As in the paper, and unlike Flower's FedAdam, there is no Adam bias correction (Flower
 * multiplies {@code eta} by {@code sqrt(1 - beta2^t) / (1 - beta1^t)} in FedAdam, not in FedYogi or
 * FedAdagrad). Without it FedAdam's first step is about {@code eta * (1 - beta1) / sqrt(1 - beta2)}
 * per parameter in the direction of the delta, which is {@code eta} with the default betas.
 * Flower also starts {@code v} at 0 rather than {@code tau^2}, which matters only while {@code v}
 * is of the order of {@code tau^2}.
 *
 * <p>State: {@code m} and {@code v} as two float32 vectors (see {@link ServerOptimizerState}); the
 * arithmetic of a round is done in double precision.
 */
public abstract class FedOpt extends ServerOptimizer {

  private final double eta;
  private final double beta1;
  private final double beta2;
  private final double tau;

  /**
   * @param beta2 the second-moment rate, passed to {@link #secondMoment}; 0 where unused (Adagrad)
   * @throws IllegalArgumentException if {@code eta} or {@code tau} is not positive or a beta is
   *     outside {@code [0, 1)}
   */
  FedOpt(String name, double eta, double beta1, double beta2, double tau) {
    super(name, 0f, (float) (tau * tau));
    this.eta = Range.POSITIVE.check(StrategyFactory.SERVER_LEARNING_RATE, eta);
    this.beta1 = Range.DECAY.check(StrategyFactory.BETA1, beta1);
    this.beta2 = Range.DECAY.check(StrategyFactory.BETA2, beta2);
    this.tau = Range.POSITIVE.check(StrategyFactory.TAU, tau);
  }

  /** The new second moment of one parameter from its old one and its squared mean delta. */
  abstract double secondMoment(double v, double deltaSquared, double beta2);

  @Override
  final void step(float[] current, double[] meanDelta, float[][] state, float[] next) {
    float[] m = state[0];
    float[] v = state[1];
    for (int i = 0; i < next.length; i++) {
      double d = meanDelta[i];
      double mi = beta1 * m[i] + (1 - beta1) * d;
      double vi = secondMoment(v[i], d * d, beta2);
      m[i] = (float) mi;
      v[i] = (float) vi;
      next[i] = (float) (current[i] + eta * mi / (Math.sqrt(vi) + tau));
    }
  }
}
