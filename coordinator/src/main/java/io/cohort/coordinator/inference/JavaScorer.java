package io.cohort.coordinator.inference;

import io.cohort.model.inference.ForwardPass;
import io.cohort.model.layout.ModelArchitecture;

/**
 * Scores with the plain-Java {@link ForwardPass} over the flat parameter vector: immutable and
 * shared by every request thread, nothing native to free.
 */
public final class JavaScorer implements VersionScorer {

  private final ForwardPass pass;
  private final float[] parameters;

  public JavaScorer(ModelArchitecture architecture, float[] parameters) {
    this.pass = new ForwardPass(architecture);
    this.parameters = parameters;
  }

  @Override
  public void probabilities(float[] features, int fromRow, int rows, float[] out) {
    pass.logits(parameters, features, fromRow, rows, out);
    ForwardPass.softmax(out, pass.numClasses());
  }

  @Override
  public int numFeatures() {
    return pass.numFeatures();
  }

  @Override
  public int numClasses() {
    return pass.numClasses();
  }

  @Override
  public void close() {
    // nothing held
  }
}
