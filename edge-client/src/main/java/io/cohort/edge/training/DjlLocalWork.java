package io.cohort.edge.training;

import ai.djl.ndarray.NDManager;
import io.cohort.edge.data.TabularData;
import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TrainConfig;
import java.util.function.BooleanSupplier;

/**
 * A real node's work: trains with DJL on its local training split and evaluates on its held-out
 * split. Tasks run one at a time (the session's single worker thread), which is also what DJL's
 * one-gradient-collector-per-process rule requires.
 */
public final class DjlLocalWork implements LocalWork, AutoCloseable {

  private final TabularData train;
  private final TabularData eval;
  private final String nodeId;
  private final NDManager manager;
  private final GradientTransform transform;

  public DjlLocalWork(DjlRuntime runtime, TabularData train, TabularData eval, String nodeId,
      GradientTransform transform) {
    this.train = train;
    this.eval = eval;
    this.nodeId = nodeId;
    this.manager = runtime.newManager();
    this.transform = transform;
  }

  @Override
  public TrainOutcome train(ModelSpec model, Task task, float[] global,
      ProgressListener progress, BooleanSupplier cancelled) {
    // Each node shuffles differently, yet reproducibly: the round's seed combined with the node.
    TrainConfig config = task.getTrain().toBuilder()
        .setSeed(task.getTrain().getSeed() * 31 + nodeId.hashCode()).build();
    TrainingResult r = new LocalTrainer(new ModelArchitecture(model), manager, transform)
        .train(global, config, train, progress);
    return new TrainOutcome(r.delta(), r.sampleCount(), r.metrics(), 0);
  }

  @Override
  public EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters) {
    return new Evaluator(new ModelArchitecture(model), manager).evaluate(parameters, eval);
  }

  @Override
  public void close() {
    manager.close();
  }
}
