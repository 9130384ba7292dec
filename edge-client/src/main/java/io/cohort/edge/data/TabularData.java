package io.cohort.edge.data;

/**
 * Preprocessed, model-ready examples: {@code features} is row-major, {@code rows x numFeatures};
 * {@code labels[i]} is the class index of row i in {@code [0, numClasses)}.
 */
public record TabularData(float[] features, int[] labels, int numFeatures, int numClasses) {

  public TabularData {
    if (numFeatures <= 0 || numClasses < 2) {
      throw new IllegalArgumentException("need numFeatures > 0 and numClasses >= 2");
    }
    if (features.length != labels.length * numFeatures) {
      throw new IllegalArgumentException("features hold " + features.length + " values, expected "
          + labels.length + " rows x " + numFeatures);
    }
  }

  public int rows() {
    return labels.length;
  }

  /** Copies the given rows, in order, into a new dataset. */
  public TabularData select(int[] rowIndices) {
    float[] f = new float[rowIndices.length * numFeatures];
    int[] l = new int[rowIndices.length];
    for (int k = 0; k < rowIndices.length; k++) {
      System.arraycopy(features, rowIndices[k] * numFeatures, f, k * numFeatures, numFeatures);
      l[k] = labels[rowIndices[k]];
    }
    return new TabularData(f, l, numFeatures, numClasses);
  }
}
