package io.cohort.edge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.cohort.edge.data.TabularData;
import io.cohort.model.djl.ModelBlocks;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.metrics.Auc;
import io.cohort.model.metrics.ScoreHistogram;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Metrics;

/**
 * Measures a model on a node's held-out data: mean loss, accuracy and, for binary tasks, the exact
 * AUC; plus the loss sum, correct count and score histograms from which the coordinator computes
 * the same metrics for the union of all nodes' held-out data (the AUC to within about 0.01).
 */
public final class Evaluator {

  public static final int SCORE_BINS = ScoreHistogram.DEFAULT_BINS;
  private static final int ROWS_PER_CHUNK = 4096;

  private final ModelArchitecture architecture;
  private final NDManager manager;

  /**
   * @param manager parent of the arrays of each evaluation (its device is used); not closed here
   */
  public Evaluator(ModelArchitecture architecture, NDManager manager) {
    this.architecture = architecture;
    this.manager = manager;
  }

  /**
   * Evaluates {@code parameters} (full layout) on {@code data}. The result has every field but
   * {@code task_id}; histograms are filled for binary tasks only (positive class = label 1). With
   * no rows, loss and accuracy are NaN.
   */
  public EvaluationResult evaluate(float[] parameters, TabularData data) {
    ModelInputs.requireCompatible(architecture, data);
    GradMode.offOnThisThread(manager);
    boolean binary = data.numClasses() == 2;
    ScoreHistogram histogram = new ScoreHistogram(SCORE_BINS);
    double[] scores = new double[binary ? data.rows() : 0];
    boolean[] positive = new boolean[scores.length];
    double lossSum = 0;
    long correct = 0;
    int rows = data.rows();
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    try (NDManager evaluationManager = manager.newSubManager()) {
      Block block = ModelBlocks.load(architecture, evaluationManager, parameters);
      ParameterStore store = new ParameterStore(evaluationManager, false);
      for (int from = 0; from < rows; from += ROWS_PER_CHUNK) {
        int to = Math.min(rows, from + ROWS_PER_CHUNK);
        try (NDManager chunkManager = evaluationManager.newSubManager()) {
          NDArray x = ModelInputs.features(chunkManager, data, order, from, to);
          NDArray y = ModelInputs.labels(chunkManager, data, order, from, to);
          NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
          for (float loss : ModelInputs.crossEntropy(logits, y).toFloatArray()) {
            lossSum += loss;
          }
          correct += ModelInputs.correct(logits, y);
          if (binary) {
            float[] chunkScores = logits.softmax(1).get(new NDIndex(":, 1")).toFloatArray();
            for (int k = 0; k < chunkScores.length; k++) {
              scores[from + k] = chunkScores[k];
              positive[from + k] = data.labels()[from + k] == 1;
              histogram.add(chunkScores[k], positive[from + k]);
            }
          }
        }
      }
    }
    Metrics metrics = Metrics.newBuilder()
        .setLoss(lossSum / rows)
        .setAccuracy((double) correct / rows)
        .setAuc(binary ? Auc.exact(scores, positive) : Double.NaN)
        .setExamples(rows)
        .build();
    EvaluationResult.Builder result = EvaluationResult.newBuilder()
        .setMetrics(metrics)
        .setLossSum(lossSum)
        .setCorrect(correct);
    if (binary) {
      result.addAllPositiveScoreHistogram(histogram.positiveCounts())
          .addAllNegativeScoreHistogram(histogram.negativeCounts());
    }
    return result.build();
  }
}
