package io.cohort.edge.task;

import io.cohort.edge.training.ProgressListener;
import io.cohort.model.codec.EncodedPayload;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.Task;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A simulated node for benchmarks and protocol tests: its update is a constant vector (so the
 * aggregate is known in closed form) after an optional simulated compute time, and it evaluates
 * to fixed metrics. It holds no data; it exercises everything but training.
 *
 * <p>Being a stand-in for a node on another machine, it keeps its own cost low so that a
 * benchmark measures the coordinator: it receives the model without decoding it (the stream's
 * manifest and length are still checked) and encodes and hashes its update once per encoding.
 */
public final class ConstantUpdateWork implements LocalWork {

  private final int trainableElements;
  private final float value;
  private final long samples;
  private final long computeMillis;
  private final float[] delta;
  private final Map<Encoding, EncodedPayload> encoded = new EnumMap<>(Encoding.class);

  public ConstantUpdateWork(int trainableElements, float value, long samples, long computeMillis) {
    if (samples <= 0) {
      throw new IllegalArgumentException("samples must be positive");
    }
    this.trainableElements = trainableElements;
    this.value = value;
    this.samples = samples;
    this.computeMillis = computeMillis;
    this.delta = new float[trainableElements];
    Arrays.fill(delta, value);
  }

  public long samples() {
    return samples;
  }

  @Override
  public boolean usesGlobalParameters() {
    return false;
  }

  @Override
  public synchronized EncodedPayload encode(TrainOutcome outcome, Encoding encoding) {
    if (outcome.delta() != delta) {
      return LocalWork.super.encode(outcome, encoding);
    }
    return encoded.computeIfAbsent(encoding, e -> EncodedPayload.of(delta, e));
  }

  @Override
  public TrainOutcome train(ModelSpec model, Task task, float[] global, ProgressListener progress,
      BooleanSupplier cancelled) {
    if (computeMillis > 0) {
      try {
        Thread.sleep(computeMillis); // simulated local compute, not synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    progress.onProgress(1.0, 1.0);
    return new TrainOutcome(delta, samples, Metrics.newBuilder().setLoss(1.0)
        .setExamples(samples).build(), 0);
  }

  @Override
  public EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters) {
    return EvaluationResult.newBuilder().setMetrics(Metrics.newBuilder().setExamples(10)
        .setLoss(0.5).setAccuracy(0.7)).setLossSum(5).setCorrect(7).build();
  }

  @Override
  public String toString() {
    return "constant update " + value + " x " + trainableElements + " (" + samples + " samples)";
  }
}
