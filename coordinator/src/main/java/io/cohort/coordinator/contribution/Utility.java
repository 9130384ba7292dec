package io.cohort.coordinator.contribution;

import io.cohort.model.inference.Evaluation;
import io.cohort.model.inference.ForwardPass;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import java.util.Arrays;
import java.util.List;

/**
 * What a model is worth to the federation, as one number where higher is better: the
 * characteristic function of the contribution game. Scorers call it on many sub-models per round.
 */
@FunctionalInterface
public interface Utility {

  /** Metric names accepted by {@link #validation}. */
  List<String> METRICS = List.of("accuracy", "auc", "neg_loss");

  /**
   * The value of the model with these full parameters. Must be finite, must not modify
   * {@code fullParams} and must not keep it: scorers reuse the array for the next sub-model.
   */
  double value(float[] fullParams);

  /**
   * A utility measured on an operator's validation set: {@code "accuracy"}, {@code "auc"}
   * (binary tasks, both classes present) or {@code "neg_loss"} (minus the mean cross-entropy).
   */
  static Utility validation(String metric, ModelArchitecture architecture, ValidationSet set) {
    ForwardPass pass = new ForwardPass(architecture);
    return switch (metric) {
      case "accuracy" -> params -> Evaluation.of(pass, params, set).accuracy();
      case "auc" -> {
        if (!set.binary()) {
          throw new IllegalArgumentException("utility auc needs a binary task, the validation set"
              + " has " + set.numClasses() + " classes");
        }
        if (Arrays.stream(set.labels()).distinct().count() < 2) {
          throw new IllegalArgumentException("utility auc needs both classes in the validation"
              + " set, it has only class " + set.labels()[0]);
        }
        yield params -> Evaluation.of(pass, params, set).auc();
      }
      case "neg_loss" -> params -> -Evaluation.of(pass, params, set).loss();
      default -> throw new IllegalArgumentException("unknown utility metric '" + metric
          + "': use one of " + METRICS);
    };
  }
}
