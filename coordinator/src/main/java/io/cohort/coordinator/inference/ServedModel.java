package io.cohort.coordinator.inference;

import io.cohort.model.inference.ForwardPass;

/**
 * One model version loaded for serving: its parameters and forward pass, read from the registry
 * once and shared by every request. Immutable, so swapping in a newer version never disturbs
 * requests still being answered by this one.
 */
public record ServedModel(String federationId, String version, ForwardPass pass,
    float[] parameters, FeatureEncoder encoder) {

  /** Class probabilities of {@code rows} rows starting at {@code fromRow}, into {@code out}. */
  public void probabilities(float[] features, int fromRow, int rows, float[] out) {
    pass.logits(parameters, features, fromRow, rows, out);
    ForwardPass.softmax(out, pass.numClasses());
  }

  public int numClasses() {
    return pass.numClasses();
  }
}
