package io.cohort.edge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.cohort.edge.data.TabularData;
import io.cohort.model.layout.ModelArchitecture;

/** Turns rows of a dataset into model inputs and measures the loss, for training and evaluation. */
final class ModelInputs {

  private ModelInputs() {}

  static void requireCompatible(ModelArchitecture architecture, TabularData data) {
    var spec = architecture.spec();
    if (data.numFeatures() != spec.getInputFeatures()
        || data.numClasses() != spec.getNumClasses()) {
      throw new IllegalArgumentException("the data has " + data.numFeatures() + " features and "
          + data.numClasses() + " classes, but the model expects " + spec.getInputFeatures()
          + " features and " + spec.getNumClasses() + " classes");
    }
  }

  /** Features of rows {@code order[from..to)} as a [rows, features] float32 array. */
  static NDArray features(NDManager manager, TabularData data, int[] order, int from, int to) {
    int width = data.numFeatures();
    float[] values = new float[(to - from) * width];
    for (int k = from; k < to; k++) {
      System.arraycopy(data.features(), order[k] * width, values, (k - from) * width, width);
    }
    return manager.create(values, new Shape(to - from, width));
  }

  /** Labels of rows {@code order[from..to)} as an int64 vector. */
  static NDArray labels(NDManager manager, TabularData data, int[] order, int from, int to) {
    long[] labels = new long[to - from];
    for (int k = from; k < to; k++) {
      labels[k - from] = data.labels()[order[k]];
    }
    return manager.create(labels);
  }

  /** Softmax cross-entropy of each example: {@code -log softmax(logits)[label]}. */
  static NDArray crossEntropy(NDArray logits, NDArray labels) {
    return logits.logSoftmax(1).gather(labels.reshape(-1, 1), 1).reshape(-1).neg();
  }

  /** How many rows' largest logit is at their label. */
  static long correct(NDArray logits, NDArray labels) {
    return logits.argMax(1).eq(labels).toType(DataType.INT64, false).sum().getLong();
  }
}
