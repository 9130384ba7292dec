package io.cohort.billing.bench;

import io.cohort.billing.ledger.Charge;
import io.cohort.billing.ledger.LedgerPosting;
import io.cohort.billing.period.Booking;
import io.cohort.billing.pricing.MapUsageCounters;
import io.cohort.billing.pricing.UsagePricer;
import io.cohort.billing.stream.BillingSettings;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.UsageEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the billing topology must write for a stream of usage events, computed in the driver by
 * the pure pricing and posting classes (no Kafka, no state stores): the balance of every
 * account and the number of ledger entries and charges. Events must be added in the order they
 * were sent per consumer. Every event is booked on time (the benchmark runs well inside one period).
 */
final class BillingReference {

  private final BenchWorkload workload;
  private final BillingSettings settings;
  private final UsagePricer pricer = new UsagePricer();
  private final LedgerPosting posting;
  private final MapUsageCounters counters = new MapUsageCounters();
  private final Map<String, Long> balances = new TreeMap<>();
  private final Map<String, Long> predictionsByConsumer = new TreeMap<>();
  private long entries;
  private long charges;

  BillingReference(BenchWorkload workload, BillingSettings settings) {
    this.workload = workload;
    this.settings = settings;
    this.posting = new LedgerPosting(settings.fees(), settings.currency());
  }

  void add(UsageEvent usage) {
    Booking booking = settings.periods().book(usage.getTimeMs(), usage.getTimeMs());
    for (Charge charge : pricer.price(usage,
        workload.versions.get(UsagePricer.versionKey(usage.getFederationId(),
            usage.getModelVersion())),
        workload.accounts.get(usage.getConsumerId()), booking, counters)) {
      List<LedgerEntry> posted = posting.post(charge);
      for (LedgerEntry e : posted) {
        balances.merge(e.getAccount(), e.getAmountMicros(), Long::sum);
        entries++;
      }
      charges += posted.isEmpty() ? 0 : 1;
    }
    predictionsByConsumer.merge(usage.getConsumerId(), usage.getPredictions(), Long::sum);
  }

  /** Expected balance of every account with entries. */
  Map<String, Long> balances() {
    return balances;
  }

  /** Expected number of ledger entries. */
  long entries() {
    return entries;
  }

  /** Expected number of ledger records (charges that move money). */
  long charges() {
    return charges;
  }

  /** Expected per-consumer sum of predictions: what the bare sum must end with. */
  Map<String, Long> predictionsByConsumer() {
    return predictionsByConsumer;
  }
}
