package io.cohort.coordinator.inference;

/**
 * Computes class probabilities for one loaded model version. Implementations are thread-safe;
 * {@link #close} frees what the version holds once no request uses it any more.
 */
public interface VersionScorer extends AutoCloseable {

  /** Class probabilities of {@code rows} rows starting at {@code fromRow}, into {@code out}. */
  void probabilities(float[] features, int fromRow, int rows, float[] out);

  int numFeatures();

  int numClasses();

  @Override
  void close();
}
