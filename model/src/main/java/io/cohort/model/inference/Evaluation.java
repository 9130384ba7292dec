package io.cohort.model.inference;

import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.metrics.Auc;

/**
 * A model's metrics on a {@link ValidationSet}, computed in plain Java with {@link ForwardPass}.
 * Same definitions as the edge clients' evaluator: accuracy counts a row as correct when its
 * largest logit (first on ties) is its label; loss is the mean cross-entropy in nats; AUC is the
 * exact AUC of the class-1 probability, NaN for more than two classes or a one-class set. (Rows are
 * ranked by the logit margin {@code z1 - z0}, which orders them as the class-1 probability does
 * without the ties that saturated probabilities of confident models would create.)
 *
 * @param examples number of rows measured
 */
public record Evaluation(int examples, double accuracy, double loss, double auc) {

  /** Evaluates {@code params} (full layout). Builds a {@link ForwardPass}: when evaluating many
   * parameter vectors of one architecture, build it once and use {@link #of(ForwardPass, float[],
   * ValidationSet)}. */
  public static Evaluation of(ModelArchitecture architecture, float[] params, ValidationSet set) {
    return of(new ForwardPass(architecture), params, set);
  }

  /** Evaluates {@code params} (full layout) on {@code set} in chunks of rows. */
  public static Evaluation of(ForwardPass pass, float[] params, ValidationSet set) {
    if (set.numFeatures() != pass.numFeatures() || set.numClasses() != pass.numClasses()) {
      throw new IllegalArgumentException("validation set has " + set.numFeatures()
          + " features and " + set.numClasses() + " classes, the model " + pass.numFeatures()
          + " and " + pass.numClasses());
    }
    int rows = set.rows();
    int classes = set.numClasses();
    int[] labels = set.labels();
    boolean binary = set.binary();
    double[] scores = binary ? new double[rows] : null;
    float[] logits = new float[Math.min(rows, ForwardPass.ROWS_PER_BLOCK) * classes];
    double lossSum = 0;
    int correct = 0;
    for (int from = 0; from < rows; from += ForwardPass.ROWS_PER_BLOCK) {
      int n = Math.min(ForwardPass.ROWS_PER_BLOCK, rows - from);
      pass.logits(params, set.features(), from, n, logits);
      for (int r = 0; r < n; r++) {
        int start = r * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (logits[start + c] > logits[start + best]) {
            best = c;
          }
        }
        double max = logits[start + best];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          sum += Math.exp(logits[start + c] - max);
        }
        int label = labels[from + r];
        lossSum += max + Math.log(sum) - logits[start + label];
        if (best == label) {
          correct++;
        }
        if (binary) {
          scores[from + r] = (double) logits[start + 1] - logits[start];
        }
      }
    }
    double auc = binary ? Auc.exact(scores, positives(labels)) : Double.NaN;
    return new Evaluation(rows, (double) correct / rows, lossSum / rows, auc);
  }

  private static boolean[] positives(int[] labels) {
    boolean[] positive = new boolean[labels.length];
    for (int r = 0; r < labels.length; r++) {
      positive[r] = labels[r] == 1;
    }
    return positive;
  }
}
