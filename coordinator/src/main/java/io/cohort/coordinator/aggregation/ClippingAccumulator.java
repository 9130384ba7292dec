package io.cohort.coordinator.aggregation;

/**
 * The streaming accumulator of {@link CentralDp}: each update is clipped to L2 norm at most
 * {@code clip} (scaled by {@code min(1, clip / ||delta||)}) and added with weight 1 to a running
 * sum in double precision; it also counts the updates that needed no clipping
 * ({@code ||delta|| <= clip}), the statistic adaptive clipping learns from. Memory is one model,
 * whatever the number of clients.
 *
 * <p>The aggregation weight (the node's sample count) is checked and summed for
 * {@link #totalWeight()} but does not weight the sum: see {@link CentralDp} for why.
 *
 * <p>The raw sum and counts are not private; only {@link CentralDp#finishRound} reads them, and
 * publishes nothing but their noised versions.
 */
final class ClippingAccumulator implements UpdateAccumulator {

  private final double clip;
  private final double[] sum;
  private int count;
  private int unclipped;
  private long totalWeight;

  /**
   * @param elements trainable parameters of the model
   * @param clip the clipping norm S of this round, {@code > 0}
   */
  ClippingAccumulator(int elements, double clip) {
    this.sum = new double[elements];
    this.clip = clip;
  }

  /**
   * Folds one update, clipped to {@link #clip()}. The norm and the scaling are computed before
   * taking the lock, so concurrent uploads only serialize on the additions.
   */
  @Override
  public void add(float[] delta, long weight) {
    WeightedMeanAccumulator.checkUpdate(delta, weight, sum.length);
    double norm = l2Norm(delta);
    boolean clipped = norm > clip;
    double scale = clipped ? clip / norm : 1.0;
    synchronized (this) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += scale * delta[i];
      }
      count++;
      if (!clipped) {
        unclipped++;
      }
      totalWeight += weight;
    }
  }

  /** The L2 norm, accumulated in double precision. */
  static double l2Norm(float[] v) {
    double squares = 0;
    for (float x : v) {
      squares += (double) x * x;
    }
    return Math.sqrt(squares);
  }

  /** The clipping norm S this accumulator was made for. */
  double clip() {
    return clip;
  }

  /** Number of trainable parameters. */
  int elements() {
    return sum.length;
  }

  /** A copy of the sum of the clipped updates (not private: no noise yet). */
  synchronized double[] clippedSum() {
    return sum.clone();
  }

  /** How many updates had norm at most {@link #clip()} (not private: no noise yet). */
  synchronized int unclipped() {
    return unclipped;
  }

  @Override
  public synchronized int count() {
    return count;
  }

  @Override
  public synchronized long totalWeight() {
    return totalWeight;
  }
}
