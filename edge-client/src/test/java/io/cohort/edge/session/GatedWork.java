package io.cohort.edge.session;

import io.cohort.edge.task.ConstantUpdateWork;
import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.edge.training.ProgressListener;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Task;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/** Constant-update work whose training can be held open by a latch, to keep a round running. */
final class GatedWork implements LocalWork {

  final ConstantUpdateWork inner;
  final long samples;
  volatile CountDownLatch gate;
  /** The gate holds only tasks of this round and later. */
  volatile int gateFromRound = 1;

  GatedWork(int elements, float value, long samples) {
    this.inner = new ConstantUpdateWork(elements, value, samples, 0);
    this.samples = samples;
  }

  @Override
  public TrainOutcome train(ModelSpec model, Task task, float[] global, ProgressListener progress,
      BooleanSupplier cancelled) {
    CountDownLatch g = gate;
    if (g != null && task.getRound() >= gateFromRound) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return inner.train(model, task, global, progress, cancelled);
  }

  @Override
  public EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters) {
    return inner.evaluate(model, task, parameters);
  }
}
