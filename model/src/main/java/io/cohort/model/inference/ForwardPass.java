package io.cohort.model.inference;

import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;

/**
 * The forward pass of a {@link ModelArchitecture} in plain Java, reading the weights straight out
 * of the flat full parameter vector (no copies, no deep-learning engine): linear layers
 * {@code y = W x + b} with {@code W} [out, in] row-major, ReLU between them, logits out.
 *
 * <p>Rows are processed in blocks of {@value #ROWS_PER_BLOCK}, so a call allocates at most two
 * block-sized activation buffers for the hidden layers (none for a logistic model) besides its
 * result. Dot products accumulate in double. Instances are immutable and thread-safe.
 */
public final class ForwardPass {

  static final int ROWS_PER_BLOCK = 256;

  private final int numFeatures;
  private final int numClasses;
  private final int parameterCount;
  private final int[] ins;
  private final int[] outs;
  private final int[] weightOffsets;
  private final int[] biasOffsets;
  private final int widestHidden;

  public ForwardPass(ModelArchitecture architecture) {
    ParameterLayout layout = architecture.layout();
    int depth = architecture.depth();
    this.ins = new int[depth];
    this.outs = new int[depth];
    this.weightOffsets = new int[depth];
    this.biasOffsets = new int[depth];
    int widest = 0;
    for (int i = 0; i < depth; i++) {
      int[] io = architecture.layer(i);
      ins[i] = io[0];
      outs[i] = io[1];
      weightOffsets[i] = layout.offsetOf("layer" + i + ".weight");
      biasOffsets[i] = layout.offsetOf("layer" + i + ".bias");
      if (i < depth - 1) {
        widest = Math.max(widest, io[1]);
      }
    }
    this.widestHidden = widest;
    this.numFeatures = ins[0];
    this.numClasses = outs[depth - 1];
    this.parameterCount = layout.totalElements();
  }

  public int numFeatures() {
    return numFeatures;
  }

  public int numClasses() {
    return numClasses;
  }

  /** Length of the full parameter vector this pass reads. */
  public int parameterCount() {
    return parameterCount;
  }

  /** The logits of every row of {@code features} (row-major), {@code rows * numClasses} values. */
  public float[] logits(float[] params, float[] features) {
    int rows = rowsOf(features);
    float[] out = new float[rows * numClasses];
    logits(params, features, 0, rows, out);
    return out;
  }

  /** Class probabilities (softmax of the logits) of every row, {@code rows * numClasses} values. */
  public float[] probabilities(float[] params, float[] features) {
    float[] out = logits(params, features);
    softmax(out, numClasses);
    return out;
  }

  /**
   * Writes the logits of rows {@code [fromRow, fromRow + rows)} of {@code features} into
   * {@code out[0, rows * numClasses)}. The allocation-free core for callers that stream rows in
   * chunks through one output buffer.
   */
  public void logits(float[] params, float[] features, int fromRow, int rows, float[] out) {
    if (params.length != parameterCount) {
      throw new IllegalArgumentException("model has " + parameterCount + " parameters, got "
          + params.length);
    }
    if (fromRow < 0 || rows < 0 || (long) (fromRow + rows) * numFeatures > features.length) {
      throw new IllegalArgumentException("rows [" + fromRow + ", " + (fromRow + rows)
          + ") are outside the " + rowsOf(features) + " rows of features");
    }
    if (out.length < rows * numClasses) {
      throw new IllegalArgumentException("output holds " + out.length + " values, need "
          + rows * numClasses);
    }
    int depth = ins.length;
    int blockRows = Math.min(rows, ROWS_PER_BLOCK);
    float[] current = depth > 1 ? new float[blockRows * widestHidden] : null;
    float[] next = depth > 2 ? new float[blockRows * widestHidden] : null;
    for (int from = 0; from < rows; from += ROWS_PER_BLOCK) {
      int n = Math.min(ROWS_PER_BLOCK, rows - from);
      float[] input = features;
      int inputOffset = (fromRow + from) * numFeatures;
      for (int layer = 0; layer < depth; layer++) {
        boolean last = layer == depth - 1;
        float[] target = last ? out : input == current ? next : current;
        int targetOffset = last ? from * numClasses : 0;
        linear(params, layer, input, inputOffset, n, target, targetOffset, !last);
        input = target;
        inputOffset = 0;
      }
    }
  }

  private void linear(float[] params, int layer, float[] input, int inputOffset, int rows,
      float[] target, int targetOffset, boolean relu) {
    int in = ins[layer];
    int out = outs[layer];
    int w = weightOffsets[layer];
    int b = biasOffsets[layer];
    for (int r = 0; r < rows; r++) {
      int x = inputOffset + r * in;
      int y = targetOffset + r * out;
      for (int o = 0; o < out; o++) {
        double sum = params[b + o] + dot(params, w + o * in, input, x, in);
        target[y + o] = relu && sum < 0 ? 0f : (float) sum;
      }
    }
  }

  /** {@code sum a[i + k] * b[j + k]} over {@code k < n}, in four independent double chains. */
  private static double dot(float[] a, int i, float[] b, int j, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < n; k += 4) {
      s0 += (double) a[i + k] * b[j + k];
      s1 += (double) a[i + k + 1] * b[j + k + 1];
      s2 += (double) a[i + k + 2] * b[j + k + 2];
      s3 += (double) a[i + k + 3] * b[j + k + 3];
    }
    for (; k < n; k++) {
      s0 += (double) a[i + k] * b[j + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Replaces each row of {@code classes} logits by its softmax, in place (max-shifted, stable). */
  public static void softmax(float[] logits, int classes) {
    if (classes <= 0 || logits.length % classes != 0) {
      throw new IllegalArgumentException(logits.length + " values are not rows of " + classes);
    }
    for (int start = 0; start < logits.length; start += classes) {
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[start + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(logits[start + c] - max);
      }
      for (int c = 0; c < classes; c++) {
        logits[start + c] = (float) (Math.exp(logits[start + c] - max) / sum);
      }
    }
  }

  private int rowsOf(float[] features) {
    if (features.length % numFeatures != 0) {
      throw new IllegalArgumentException(features.length + " feature values are not rows of "
          + numFeatures);
    }
    return features.length / numFeatures;
  }
}
