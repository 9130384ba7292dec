package io.cohort.billing.stream;

import io.cohort.billing.ledger.Charge;
import io.cohort.billing.ledger.LedgerPosting;
import io.cohort.billing.period.Booking;
import io.cohort.billing.period.Period;
import io.cohort.billing.pricing.SubscriptionUsage;
import io.cohort.billing.pricing.UsagePricer;
import io.cohort.proto.v1.DeadLetterReason;
import io.cohort.proto.v1.LedgerCharge;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code price-usage}: books a deduplicated usage event in its billing period, prices it under
 * the consumer's plan (counters in {@code usage-counters-store} and
 * {@code subscription-usage-store}) and emits each charge as one balanced ledger record, keyed by consumer.
 *
 * <p>On a wall-clock schedule it also settles closed periods: a subscription's undrawn fee goes
 * to the platform as breakage (booked in the earliest open period), and the closed period's
 * counters are dropped.
 */
final class PriceUsage extends UsageStep<ValidUsage> {

  private final UsagePricer pricer = new UsagePricer();
  private final LedgerPosting posting;
  private KeyValueStore<String, Long> charged;
  private KeyValueStore<String, SubscriptionUsage> subscriptions;
  private StoreCounters counters;

  PriceUsage(BillingSettings settings, DeadLetterCounter counter) {
    super(settings, counter);
    this.posting = new LedgerPosting(settings.fees(), settings.currency());
  }

  @Override
  void open() {
    this.charged = context.getStateStore(BillingTopology.USAGE_COUNTERS_STORE);
    this.subscriptions = context.getStateStore(BillingTopology.SUBSCRIPTION_USAGE_STORE);
    this.counters = new StoreCounters(charged, subscriptions);
    context.schedule(settings.closeInterval(), PunctuationType.WALL_CLOCK_TIME,
        this::settleClosedPeriods);
  }

  @Override
  public void process(Record<String, ValidUsage> record) {
    ValidUsage valid = record.value();
    List<LedgerCharge> records = new ArrayList<>(2);
    try {
      Booking booking = settings.periods().book(valid.usage().getTimeMs(),
          context.currentSystemTimeMs());
      for (Charge charge : pricer.price(valid.usage(), valid.version(), valid.account(), booking,
          counters)) {
        LedgerCharge posted = posting.record(charge);
        if (posted != null) {
          records.add(posted);
        }
      }
    } catch (RuntimeException e) {
      counters.rollback();
      deadLetters.send(record, valid.usage().toByteArray(), valid.usage().getEventId(),
          DeadLetterReason.PRICING_FAILED, String.valueOf(e.getMessage()));
      return;
    }
    counters.commit();
    counter.charged(records.size());
    for (LedgerCharge charge : records) {
      emit(charge, record.timestamp());
    }
  }

  /** Breakage for closed subscription periods; drops closed periods' counters. */
  void settleClosedPeriods(long nowMs) {
    List<KeyValue<String, SubscriptionUsage>> closedSubscriptions = new ArrayList<>();
    try (KeyValueIterator<String, SubscriptionUsage> it = subscriptions.all()) {
      while (it.hasNext()) {
        KeyValue<String, SubscriptionUsage> kv = it.next();
        if (isClosed(kv.key, nowMs)) {
          closedSubscriptions.add(kv);
        }
      }
    }
    Booking open = Booking.onTime(settings.periods().earliestOpen(nowMs).id());
    for (KeyValue<String, SubscriptionUsage> kv : closedSubscriptions) {
      String periodId = StoreCounters.periodOf(kv.key);
      Booking booking = new Booking(open.periodId(), false, periodId);
      Charge breakage = UsagePricer.breakage(StoreCounters.consumerOfSubscriptionKey(kv.key),
          periodId, kv.value, booking, nowMs);
      LedgerCharge posted = posting.record(breakage);
      if (posted != null) {
        emit(posted, nowMs);
      }
      subscriptions.delete(kv.key);
    }
    List<String> closedCounters = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = charged.all()) {
      while (it.hasNext()) {
        String key = it.next().key;
        if (isClosed(key, nowMs)) {
          closedCounters.add(key);
        }
      }
    }
    closedCounters.forEach(charged::delete);
  }

  private boolean isClosed(String key, long nowMs) {
    Period period = settings.periods().calendar().byId(StoreCounters.periodOf(key));
    return settings.periods().isClosed(period, nowMs);
  }

  /** One record per charge, keyed by consumer like the usage it comes from. */
  private void emit(LedgerCharge charge, long timestamp) {
    context.forward(new Record<String, Object>(charge.getConsumerId(), charge, timestamp),
        BillingTopology.LEDGER_SINK);
  }
}
