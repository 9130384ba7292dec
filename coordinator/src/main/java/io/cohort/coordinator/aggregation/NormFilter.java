package io.cohort.coordinator.aggregation;

import io.cohort.proto.v1.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A norm-bound filter in front of any strategy (strategy parameter {@code norm_filter_bound}):
 * updates whose L2 norm exceeds the bound are left out of the round's aggregate and their nodes
 * flagged. Unlike the federation's {@code max_update_norm}, which refuses such an upload, the
 * upload is accepted (the node's task is done) and only its influence is removed. A scaled
 * (boosted) update is the cheapest model-poisoning attack, and this stops it.
 *
 * <p>If every update of a round is filtered the model stays as it was.
 */
final class NormFilter implements Strategy {

  static final String BOUND = "norm_filter_bound";

  private static final Logger log = LoggerFactory.getLogger(NormFilter.class);

  private final double bound;
  private final Strategy inner;

  NormFilter(double bound, Strategy inner) {
    this.bound = bound;
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public TrainConfig configureRound(int round, TrainConfig base) {
    return inner.configureRound(round, base);
  }

  @Override
  public UpdateAccumulator newAccumulator(int elements) {
    return new Filtered(inner.newAccumulator(elements));
  }

  @Override
  public float[] finishRound(float[] current, UpdateAccumulator accumulator) {
    if (!(accumulator instanceof Filtered filtered)) {
      throw new IllegalArgumentException("expected the accumulator made by newAccumulator, got "
          + accumulator.getClass().getName());
    }
    if (filtered.inner.count() == 0 && filtered.count() > 0) {
      log.warn("all {} updates of the round exceed the norm filter bound {}: model unchanged",
          filtered.count(), bound);
      return current.clone();
    }
    return inner.finishRound(current, filtered.inner);
  }

  @Override
  public byte[] saveState() {
    return inner.saveState();
  }

  @Override
  public void restoreState(byte[] state) {
    inner.restoreState(state);
  }

  /** Passes updates within the bound to the inner accumulator, remembers the others. */
  private final class Filtered implements UpdateAccumulator {

    private final UpdateAccumulator inner;
    private final Map<String, String> filtered = new LinkedHashMap<>();
    private int seen;

    Filtered(UpdateAccumulator inner) {
      this.inner = inner;
    }

    @Override
    public void add(float[] delta, long weight) {
      add("update-" + count(), delta, weight);
    }

    @Override
    public void add(String nodeId, float[] delta, long weight) {
      double norm = ClippingAccumulator.l2Norm(delta);
      synchronized (this) {
        seen++;
        if (norm > bound) {
          filtered.put(nodeId, String.format("filtered: update norm %.4g exceeds"
              + " norm_filter_bound %s", norm, bound));
          return;
        }
      }
      inner.add(nodeId, delta, weight);
    }

    /** Updates offered, filtered or not. */
    @Override
    public synchronized int count() {
      return seen;
    }

    @Override
    public long totalWeight() {
      return inner.totalWeight();
    }

    @Override
    public synchronized Map<String, String> flagged() {
      Map<String, String> all = new LinkedHashMap<>(inner.flagged());
      all.putAll(filtered);
      return Map.copyOf(all);
    }
  }
}
