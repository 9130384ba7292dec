package io.cohort.coordinator.aggregation;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Krum and Multi-Krum (Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine
 * Tolerant Gradient Descent", NeurIPS). Each update's score is the sum of its squared L2 distances
 * to its {@code n - f - 2} nearest other updates; Krum applies the best-scored update, Multi-Krum
 * the plain mean of the {@code m} best. {@code f} is the number of attackers to tolerate; the
 * guarantee needs {@code n > 2f + 2}, and with fewer updates at least one neighbour is scored.
 *
 * <p>Of the {@code f} worst-scored updates (the ones Krum excludes even at {@code m = n - f}),
 * those whose score is also over {@link #OUTLIER_SCORE} times the median score are flagged: an
 * honest site whose data merely differs from the others' is left out but not accused.
 */
final class Krum extends RobustStrategy {

  /**
   * Score, in median scores, beyond which a left-out update is flagged. Scores are squared
   * distances: 9 is the coordinate-wise strategies' 3 times the median distance.
   */
  static final double OUTLIER_SCORE = 9.0;

  private final int f;
  private final int m;

  /**
   * @param f attackers tolerated, {@code >= 0}
   * @param m updates averaged, {@code >= 1}; 0 means {@code n - f} (Multi-Krum's usual choice)
   */
  Krum(String name, int f, int m, Path stagingDir) {
    super(name, stagingDir);
    this.f = f;
    this.m = m;
  }

  @Override
  double[] aggregate(MappedUpdates updates) {
    int n = updates.count();
    double[][] squared = pairwiseSquaredDistances(updates);
    int neighbours = Math.max(1, Math.min(n - 1, n - f - 2));
    double[] score = new double[n];
    for (int i = 0; i < n; i++) {
      double[] others = new double[n - 1];
      for (int j = 0, k = 0; j < n; j++) {
        if (j != i) {
          others[k++] = squared[i][j];
        }
      }
      Arrays.sort(others);
      for (int k = 0; k < Math.min(neighbours, others.length); k++) {
        score[i] += others[k];
      }
    }
    // Ties go to the earlier update, so the choice is deterministic.
    Integer[] ranked = IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> score[i]).thenComparing(i -> i))
        .toArray(Integer[]::new);
    int keep = Math.max(1, Math.min(n, m == 0 ? n - f : m));
    int[] selected = Arrays.stream(ranked, 0, keep).mapToInt(Integer::intValue).toArray();
    double medianScore = score[ranked[n / 2]];
    for (int r = Math.max(keep, n - f); r < n; r++) {
      int u = ranked[r];
      if (score[u] > OUTLIER_SCORE * medianScore) {
        updates.flag(updates.nodeId(u), String.format("not selected by %s: score %.4g ranks %d"
            + " of %d (f=%d), over %.0f times the median score %.4g", name(), score[u], r + 1, n,
            f, OUTLIER_SCORE, medianScore));
      }
    }
    return meanOf(updates, selected);
  }

  private static double[][] pairwiseSquaredDistances(MappedUpdates updates) {
    int n = updates.count();
    int elements = updates.elements();
    double[][] squared = new double[n][n];
    float[][] block = new float[n][Math.min(BLOCK, elements)];
    for (int from = 0; from < elements; from += BLOCK) {
      int length = Math.min(BLOCK, elements - from);
      for (int u = 0; u < n; u++) {
        updates.readBlock(u, from, block[u], length);
      }
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          double sum = 0;
          for (int c = 0; c < length; c++) {
            double d = block[i][c] - block[j][c];
            sum += d * d;
          }
          squared[i][j] += sum;
          squared[j][i] += sum;
        }
      }
    }
    return squared;
  }

  private static double[] meanOf(MappedUpdates updates, int[] selected) {
    int elements = updates.elements();
    double[] mean = new double[elements];
    float[] block = new float[Math.min(BLOCK, elements)];
    for (int from = 0; from < elements; from += BLOCK) {
      int length = Math.min(BLOCK, elements - from);
      for (int u : selected) {
        updates.readBlock(u, from, block, length);
        for (int c = 0; c < length; c++) {
          mean[from + c] += block[c];
        }
      }
    }
    for (int i = 0; i < elements; i++) {
      mean[i] /= selected.length;
    }
    return mean;
  }
}
