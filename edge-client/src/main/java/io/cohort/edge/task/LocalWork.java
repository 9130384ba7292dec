package io.cohort.edge.task;

import io.cohort.edge.training.ProgressListener;
import io.cohort.model.codec.EncodedPayload;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Task;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What a node does with its private data when the coordinator asks. The session layer moves
 * bytes and never sees records; implementations train and evaluate (DJL for real nodes, a
 * constant update for benchmarks).
 */
public interface LocalWork {

  /** Why the node declines a training task before starting (e.g. its privacy budget), if it does. */
  default Optional<Decline> precheck(Task task) {
    return Optional.empty();
  }

  /**
   * Whether {@link #train} reads the global parameters. A node that does not (a simulated one)
   * receives the model without decoding it and is handed null.
   */
  default boolean usesGlobalParameters() {
    return true;
  }

  /** The update in its wire form; a node whose update never changes may encode it only once. */
  default EncodedPayload encode(TrainOutcome outcome, Encoding encoding) {
    return EncodedPayload.of(outcome.delta(), encoding);
  }

  /**
   * Trains the federation's model (as announced in the session's welcome) from the given
   * global parameters (full layout; null if {@link #usesGlobalParameters} is false).
   *
   * @param cancelled true once the coordinator withdrew the task; stop early if so
   */
  TrainOutcome train(ModelSpec model, Task task, float[] global, ProgressListener progress,
      BooleanSupplier cancelled);

  /** Evaluates the given parameters (full layout) on the local held-out split. */
  EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters);

  /** A reason to refuse a task. */
  record Decline(String code, String message) {}
}
