package io.cohort.coordinator.aggregation;

import java.nio.file.Path;

/**
 * Coordinate-wise median of the round's updates (Yin et al. 2018): each parameter moves by the
 * median of the nodes' deltas; with an even count, the mean of the two middle values. Tolerates
 * fewer than half of the updates being arbitrary.
 */
final class CoordinateMedian extends CoordinateWise {

  CoordinateMedian(Path stagingDir) {
    super("median", stagingDir);
  }

  @Override
  double combine(float[] sorted, int n) {
    return n % 2 == 1 ? sorted[n / 2] : ((double) sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
