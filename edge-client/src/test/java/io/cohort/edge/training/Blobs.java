package io.cohort.edge.training;

import io.cohort.edge.data.TabularData;
import java.util.SplittableRandom;

/** Two Gaussian blobs: class 1 centred at +shift, class 0 at -shift, on every feature. */
final class Blobs {

  private Blobs() {}

  static TabularData make(int rows, int features, double shift, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[rows * features];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      y[r] = random.nextInt(2);
      double centre = y[r] == 1 ? shift : -shift;
      for (int f = 0; f < features; f++) {
        x[r * features + f] = (float) (centre + gaussian(random));
      }
    }
    return new TabularData(x, y, features, 2);
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
