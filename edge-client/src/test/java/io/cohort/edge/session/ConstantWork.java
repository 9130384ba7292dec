package io.cohort.edge.session;

import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.Task;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * Local work for session tests: the update is a constant vector, so the aggregate is known in
 * closed form. Optionally blocks training until released (to hold a round open).
 */
final class ConstantWork implements LocalWork {

  final int trainableElements;
  final float value;
  final long samples;
  volatile CountDownLatch gate;
  volatile int trained;

  ConstantWork(int trainableElements, float value, long samples) {
    this.trainableElements = trainableElements;
    this.value = value;
    this.samples = samples;
  }

  @Override
  public TrainOutcome train(Task task, float[] global, ProgressListener progress,
      BooleanSupplier cancelled) {
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    float[] delta = new float[trainableElements];
    Arrays.fill(delta, value);
    trained++;
    return new TrainOutcome(delta, samples, Metrics.newBuilder().setLoss(1.0).build(), 0);
  }

  @Override
  public EvaluationResult evaluate(Task task, float[] parameters) {
    return EvaluationResult.newBuilder().setMetrics(Metrics.newBuilder().setExamples(10)
        .setLoss(0.5).setAccuracy(0.7)).setLossSum(5).setCorrect(7).build();
  }
}
