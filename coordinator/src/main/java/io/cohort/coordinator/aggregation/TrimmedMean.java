package io.cohort.coordinator.aggregation;

import java.nio.file.Path;

/**
 * Coordinate-wise trimmed mean (Yin et al. 2018): for each parameter, drop the
 * {@code floor(beta * n)} largest and as many smallest of the n deltas and average the rest.
 * Tolerates up to that many arbitrary updates per side.
 */
final class TrimmedMean extends CoordinateWise {

  private final double beta;

  /** @param beta fraction trimmed at each end, in {@code [0, 0.5)} */
  TrimmedMean(double beta, Path stagingDir) {
    super("trimmed_mean", stagingDir);
    this.beta = beta;
  }

  @Override
  double combine(float[] sorted, int n) {
    int trim = (int) Math.floor(beta * n);
    double sum = 0;
    for (int i = trim; i < n - trim; i++) {
      sum += sorted[i];
    }
    return sum / (n - 2 * trim);
  }
}
