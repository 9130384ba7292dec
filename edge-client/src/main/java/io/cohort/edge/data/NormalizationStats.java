package io.cohort.edge.data;

import java.util.Arrays;

/**
 * Per input column mean and standard deviation used for z-scoring: {@code (x - mean) / std}.
 * Under local normalisation they are computed from the node's own training split; they describe
 * local data and stay on the node: nothing sends them anywhere. A column that is constant on the
 * training split gets std 1 (it is only centred). Under fixed normalisation they are the
 * schema's constants.
 */
public record NormalizationStats(double[] mean, double[] std) {

  public NormalizationStats {
    if (mean.length != std.length) {
      throw new IllegalArgumentException("mean has " + mean.length + " columns, std "
          + std.length);
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Mean 0, std 1 for every column: values pass unchanged. */
  public static NormalizationStats identity(int columns) {
    double[] ones = new double[columns];
    Arrays.fill(ones, 1.0);
    return new NormalizationStats(new double[columns], ones);
  }

  /** The schema's fixed constants: center and scale per numeric feature, 0 and 1 for one-hot. */
  public static NormalizationStats fixed(DataSchema schema) {
    int columns = schema.inputFeatures();
    double[] center = new double[columns];
    double[] scale = new double[columns];
    Arrays.fill(scale, 1.0);
    int j = 0;
    for (DataSchema.Feature f : schema.features()) {
      if (f.scaling().isPresent()) {
        center[j] = f.scaling().get().center();
        scale[j] = f.scaling().get().scale();
      }
      j += f.width();
    }
    return new NormalizationStats(center, scale);
  }

  /** Population mean and std of each column over the given rows of a row-major matrix. */
  public static NormalizationStats fit(float[] features, int columns, int[] rows) {
    double[] mean = new double[columns];
    double[] std = new double[columns];
    for (int j = 0; j < columns; j++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      for (int r : rows) {
        double v = features[r * columns + j];
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (rows.length == 0 || min == max) {
        mean[j] = rows.length == 0 ? 0 : min;
        std[j] = 1;
        continue;
      }
      mean[j] = sum / rows.length;
      double squares = 0;
      for (int r : rows) {
        double d = features[r * columns + j] - mean[j];
        squares += d * d;
      }
      std[j] = Math.sqrt(squares / rows.length);
    }
    return new NormalizationStats(mean, std);
  }

  public int columns() {
    return mean.length;
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  /** Z-scores every row of a row-major matrix in place. */
  public void applyInPlace(float[] features) {
    int columns = mean.length;
    for (int i = 0; i < features.length; i++) {
      int j = i % columns;
      features[i] = (float) ((features[i] - mean[j]) / std[j]);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NormalizationStats s && Arrays.equals(mean, s.mean)
        && Arrays.equals(std, s.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "NormalizationStats[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
        + "]";
  }
}
