package io.cohort.coordinator.aggregation;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A robust strategy that combines each coordinate separately from the round's sorted values
 * (median, trimmed mean; Yin et al. 2018, "Byzantine-Robust Distributed Learning: Towards Optimal
 * Statistical Rates", arXiv:1803.01498). Reads the updates block by block.
 *
 * <p>It also flags outliers: an update whose L2 distance to the combined update exceeds
 * {@link #OUTLIER_FACTOR} times the median distance of the round's updates.
 */
abstract class CoordinateWise extends RobustStrategy {

  /** Distance to the aggregate, in median distances, beyond which an update is an outlier. */
  static final double OUTLIER_FACTOR = 3.0;

  CoordinateWise(String name, Path stagingDir) {
    super(name, stagingDir);
  }

  /** The combined value of one coordinate from the {@code n} values, sorted ascending. */
  abstract double combine(float[] sorted, int n);

  @Override
  final double[] aggregate(MappedUpdates updates) {
    int n = updates.count();
    int elements = updates.elements();
    double[] out = new double[elements];
    double[] squaredDistance = new double[n];
    float[][] block = new float[n][Math.min(BLOCK, elements)];
    float[] column = new float[n];
    for (int from = 0; from < elements; from += BLOCK) {
      int length = Math.min(BLOCK, elements - from);
      for (int u = 0; u < n; u++) {
        updates.readBlock(u, from, block[u], length);
      }
      for (int j = 0; j < length; j++) {
        for (int u = 0; u < n; u++) {
          column[u] = block[u][j];
        }
        Arrays.sort(column, 0, n);
        double combined = combine(column, n);
        out[from + j] = combined;
        for (int u = 0; u < n; u++) {
          double d = block[u][j] - combined;
          squaredDistance[u] += d * d;
        }
      }
    }
    flagOutliers(updates, squaredDistance);
    return out;
  }

  private void flagOutliers(MappedUpdates updates, double[] squaredDistance) {
    double[] sorted = squaredDistance.clone();
    Arrays.sort(sorted);
    double median = Math.sqrt(medianOfSorted(sorted));
    for (int u = 0; u < squaredDistance.length; u++) {
      double distance = Math.sqrt(squaredDistance[u]);
      if (median > 0 && distance > OUTLIER_FACTOR * median) {
        updates.flag(updates.nodeId(u), String.format("outlier: distance %.4g to the %s update"
            + " is over %.0f times the round's median distance %.4g", distance, name(),
            OUTLIER_FACTOR, median));
      }
    }
  }

  static double medianOfSorted(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
