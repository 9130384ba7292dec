package io.cohort.coordinator.inference;

import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.proto.v1.UsageEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Meters answered requests: one {@code UsageEvent} per request, spooled durably (fsync) before
 * the answer leaves, with the id {@code "use-" + request id}. The spool re-sends it until Kafka
 * acknowledges it, across outages and restarts, and billing deduplicates by id, so an answered
 * request is billed exactly once; a refused request is never metered. Also counts, per
 * consumer, what this process answered and refused.
 */
public final class UsageMeter {

  /** One consumer's counts. */
  public record Counts(long requests, long predictions, long rejected) {}

  private final SpoolingEventPublisher publisher;
  private final Map<String, LongAdder[]> counts = new ConcurrentHashMap<>();

  /** @param publisher where usage goes; null = count only (no billing attached) */
  public UsageMeter(SpoolingEventPublisher publisher) {
    this.publisher = publisher;
  }

  /** Records an answered request; returns once its usage event is on disk. */
  public void answered(String requestId, String consumerId, String federationId,
      String version, int predictions) {
    if (publisher != null) {
      publisher.publish(UsageEvent.newBuilder().setEventId(eventId(requestId))
          .setConsumerId(consumerId).setFederationId(federationId).setModelVersion(version)
          .setPredictions(predictions).setTimeMs(System.currentTimeMillis()).build());
    }
    LongAdder[] c = of(consumerId);
    c[0].increment();
    c[1].add(predictions);
  }

  public void rejected(String consumerId) {
    of(consumerId)[2].increment();
  }

  public Counts counts(String consumerId) {
    LongAdder[] c = of(consumerId);
    return new Counts(c[0].sum(), c[1].sum(), c[2].sum());
  }

  /** The usage event id of a request. */
  public static String eventId(String requestId) {
    return "use-" + requestId;
  }

  private LongAdder[] of(String consumerId) {
    return counts.computeIfAbsent(consumerId,
        k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
  }
}
