package io.cohort.coordinator.inference;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model version loaded for serving: its scorer, read from the registry once and shared by
 * every request. Requests hold a lease from resolution to answer; a version retired by a swap is
 * closed when its last lease ends, so in-flight requests finish on it.
 */
public final class ServedModel {

  private final String federationId;
  private final String version;
  private final VersionScorer scorer;
  private final FeatureEncoder encoder;
  private final AtomicInteger leases = new AtomicInteger(); // -1 once closed
  private volatile boolean retired;

  public ServedModel(String federationId, String version, VersionScorer scorer,
      FeatureEncoder encoder) {
    this.federationId = federationId;
    this.version = version;
    this.scorer = scorer;
    this.encoder = encoder;
  }

  public String federationId() {
    return federationId;
  }

  public String version() {
    return version;
  }

  public FeatureEncoder encoder() {
    return encoder;
  }

  /** Class probabilities of {@code rows} rows starting at {@code fromRow}, into {@code out}. */
  public void probabilities(float[] features, int fromRow, int rows, float[] out) {
    scorer.probabilities(features, fromRow, rows, out);
  }

  public int numFeatures() {
    return scorer.numFeatures();
  }

  public int numClasses() {
    return scorer.numClasses();
  }

  /** Takes a lease; false when the version was already closed (resolve it again). */
  boolean acquire() {
    while (true) {
      int n = leases.get();
      if (n < 0) {
        return false;
      }
      if (leases.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (leases.decrementAndGet() == 0 && retired) {
      closeIfUnused();
    }
  }

  /** No new requests will resolve this version; closes now or when the last lease ends. */
  void retire() {
    retired = true;
    closeIfUnused();
  }

  boolean closed() {
    return leases.get() < 0;
  }

  private void closeIfUnused() {
    if (leases.compareAndSet(0, -1)) {
      scorer.close();
    }
  }
}
