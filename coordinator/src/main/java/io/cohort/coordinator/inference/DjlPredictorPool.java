package io.cohort.coordinator.inference;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.djl.ModelBlocks;
import io.cohort.model.layout.ModelArchitecture;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One model version served by DJL: one {@link Model} (and its NDManager) holding the network
 * built from the version's parameters, and a fixed pool of {@link Predictor}s over it. A
 * predictor is not thread-safe, so each call borrows one for the whole batch and returns it; with
 * micro-batching that is one native call per batch.
 */
public final class DjlPredictorPool implements VersionScorer {

  /** A slice of a row-major feature matrix: the predictor's input. */
  record Rows(float[] features, int fromRow, int rows) {}

  private final Model model;
  private final int numFeatures;
  private final int numClasses;
  private final List<Predictor<Rows, float[]>> predictors = new ArrayList<>();
  private final BlockingQueue<Predictor<Rows, float[]>> idle;

  /** Builds the network of {@code architecture} with {@code parameters} and {@code size} predictors. */
  public DjlPredictorPool(DjlRuntime runtime, String name, ModelArchitecture architecture,
      float[] parameters, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("predictor pool size must be >= 1, got " + size);
    }
    this.numFeatures = architecture.spec().getInputFeatures();
    this.numClasses = architecture.layer(architecture.depth() - 1)[1];
    this.model = Model.newInstance(name, runtime.device(), DjlRuntime.ENGINE);
    try {
      Block block = ModelBlocks.load(architecture, model.getNDManager(), parameters);
      // Serving never trains: no autograd graph per call.
      block.freezeParameters(true);
      model.setBlock(block);
      this.idle = new ArrayBlockingQueue<>(size);
      for (int i = 0; i < size; i++) {
        Predictor<Rows, float[]> p = model.newPredictor(new ProbabilityTranslator(numFeatures));
        predictors.add(p);
        idle.add(p);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void probabilities(float[] features, int fromRow, int rows, float[] out) {
    Predictor<Rows, float[]> predictor = borrow();
    try {
      float[] p = predictor.predict(new Rows(features, fromRow, rows));
      System.arraycopy(p, 0, out, 0, p.length);
    } catch (TranslateException e) {
      throw new IllegalStateException("DJL prediction failed: " + e.getMessage(), e);
    } finally {
      idle.add(predictor);
    }
  }

  private Predictor<Rows, float[]> borrow() {
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a predictor", e);
    }
  }

  @Override
  public int numFeatures() {
    return numFeatures;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  /** Frees the predictors and the model's native memory; only once no call is running. */
  @Override
  public void close() {
    predictors.forEach(Predictor::close);
    model.close();
  }

  /** Rows in, softmax probabilities out (row-major), computed by the engine. */
  private record ProbabilityTranslator(int numFeatures)
      implements NoBatchifyTranslator<Rows, float[]> {

    @Override
    public NDList processInput(TranslatorContext ctx, Rows in) {
      FloatBuffer slice = FloatBuffer.wrap(in.features(), in.fromRow() * numFeatures,
          in.rows() * numFeatures).slice();
      return new NDList(ctx.getNDManager().create(slice, new Shape(in.rows(), numFeatures)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      return list.singletonOrThrow().softmax(1).toFloatArray();
    }
  }
}
