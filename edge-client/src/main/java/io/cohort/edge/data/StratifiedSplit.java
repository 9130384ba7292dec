package io.cohort.edge.data;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * A train / held-out split that keeps each class's share: of the {@code n} rows of a class,
 * {@code round(n * trainFraction)} train (at least one and at most {@code n - 1} when
 * {@code n >= 2}, so both sides see the class), chosen by a shuffle seeded with {@code seed}.
 *
 * <p>The same labels, fraction and seed give the same split on every run and every JVM:
 * {@link Random} is specified to the bit, and the shuffle is spelled out here rather than left to
 * a library.
 */
public record StratifiedSplit(int[] train, int[] heldOut) {

  /**
   * Splits row indices {@code 0..labels.length-1}; both index arrays come back in ascending row
   * order.
   */
  public static StratifiedSplit of(int[] labels, int numClasses, double trainFraction,
      long seed) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException("train fraction must be in (0, 1), got "
          + trainFraction);
    }
    for (int label : labels) {
      if (label < 0 || label >= numClasses) {
        throw new IllegalArgumentException("label " + label + " is not in [0, " + numClasses
            + ")");
      }
    }
    Random random = new Random(seed);
    boolean[] inTrain = new boolean[labels.length];
    for (int c = 0; c < numClasses; c++) {
      int[] rows = rowsOfClass(labels, c);
      shuffle(rows, random);
      int take = trainCount(rows.length, trainFraction);
      for (int k = 0; k < take; k++) {
        inTrain[rows[k]] = true;
      }
    }
    int trainRows = 0;
    for (boolean t : inTrain) {
      trainRows += t ? 1 : 0;
    }
    int[] train = new int[trainRows];
    int[] heldOut = new int[labels.length - trainRows];
    int t = 0;
    int h = 0;
    for (int i = 0; i < labels.length; i++) {
      if (inTrain[i]) {
        train[t++] = i;
      } else {
        heldOut[h++] = i;
      }
    }
    return new StratifiedSplit(train, heldOut);
  }

  /** How many of a class's {@code n} rows go to training. */
  static int trainCount(int n, double trainFraction) {
    int take = (int) Math.round(n * trainFraction);
    return n >= 2 ? Math.max(1, Math.min(n - 1, take)) : take;
  }

  private static int[] rowsOfClass(int[] labels, int c) {
    return IntStream.range(0, labels.length).filter(i -> labels[i] == c)
        .toArray();
  }

  /** Fisher-Yates, from the last position down. */
  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }
}
