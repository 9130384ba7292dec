package io.cohort.billing.stream;

import io.cohort.proto.v1.DeadLetterReason;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * {@code dedup-usage}: drops a usage event whose id was already seen. Ids are kept in
 * {@code usage-dedup-store}, a window store keyed by event id at the event's time, for
 * {@link BillingSettings#dedupRetention()}. The usage topic is keyed by consumer, so every copy of
 * an event reaches the same partition and store. An event older than the retention (relative to
 * the stream time, the newest event time seen) could not be checked, so it is dead-lettered as
 * EXPIRED instead of risking a double charge.
 */
final class DedupUsage extends UsageStep<ValidUsage> {

  private WindowStore<String, Long> seen;

  DedupUsage(BillingSettings settings, DeadLetterCounter counter) {
    super(settings, counter);
  }

  @Override
  void open() {
    this.seen = context.getStateStore(BillingTopology.USAGE_DEDUP_STORE);
  }

  @Override
  public void process(Record<String, ValidUsage> record) {
    String eventId = record.value().usage().getEventId();
    long eventTime = record.value().usage().getTimeMs();
    long oldestCheckable = context.currentStreamTimeMs() - settings.dedupRetention().toMillis();
    if (eventTime <= oldestCheckable) {
      deadLetters.send(record, record.value().usage().toByteArray(), eventId,
          DeadLetterReason.EXPIRED, "event time " + eventTime + " is older than the "
              + settings.dedupRetention() + " deduplication window");
      return;
    }
    if (seen.fetch(eventId, eventTime) != null) {
      counter.duplicate();
      return;
    }
    seen.put(eventId, eventTime, eventTime);
    context.forward(record, BillingTopology.PRICE_USAGE);
  }
}
