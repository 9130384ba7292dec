package io.cohort.model.inference;

/**
 * Labelled rows to measure a model on: {@code features} row-major ({@code rows() * numFeatures}
 * values, already preprocessed to the model's inputs) and one class label per row.
 *
 * <p>The arrays are not copied (validation sets are evaluated many times per round and may be
 * large): callers must not change them after construction. Record equality is by array identity.
 */
public record ValidationSet(float[] features, int[] labels, int numFeatures, int numClasses) {

  public ValidationSet {
    if (numFeatures <= 0) {
      throw new IllegalArgumentException("numFeatures must be positive, got " + numFeatures);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("a validation set needs at least one row");
    }
    if ((long) labels.length * numFeatures != features.length) {
      throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length
          * numFeatures + " feature values (" + numFeatures + " per row), got "
          + features.length);
    }
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] >= numClasses) {
        throw new IllegalArgumentException("label of row " + r + " is " + labels[r]
            + ", outside [0, " + numClasses + ")");
      }
    }
  }

  public int rows() {
    return labels.length;
  }

  /** Two classes: AUC is defined (class 1 is the positive class). */
  public boolean binary() {
    return numClasses == 2;
  }
}
