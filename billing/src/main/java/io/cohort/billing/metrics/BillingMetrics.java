package io.cohort.billing.metrics;

import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.billing.query.LedgerFollower;
import io.cohort.billing.stream.DeadLetterCounter;
import io.cohort.proto.v1.DeadLetterReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Billing's Micrometer meters. With a Prometheus registry they are scraped as:
 *
 * <ul>
 *   <li>{@code cohort_billing_dead_letters_total{reason="..."}}: usage events sent to the
 *       dead-letter topic, one series per reason (counted in process: an event reprocessed after
 *       a crash may be counted twice; the topic itself is exactly-once);
 *   <li>{@code cohort_billing_usage_events_read_total}, {@code ..._charged_total}: usage
 *       records read, and usage events priced and posted;
 *   <li>{@code cohort_billing_ledger_charges_published_total}: charge records written to the
 *       ledger topic;
 *   <li>{@code cohort_billing_duplicates_total}: re-sent usage events dropped as already charged;
 *   <li>{@code cohort_billing_bad_global_records_total}: malformed or invalid model-version and
 *       consumer-account records, not loaded;
 *   <li>{@code cohort_billing_ledger_lag_records}: usage events in Kafka not yet turned into
 *       ledger entries (the billing application's committed-read lag on
 *       {@code cohort.usage.v1}; NaN until the first fetch);
 *   <li>{@code cohort_billing_query_lag_records}: committed ledger records not yet loaded by the
 *       query view (NaN until its first poll).
 *   <li>{@code cohort_events_spooled_total}, {@code cohort_events_published_total},
 *       {@code cohort_events_pending}: for a process that publishes events
 *       ({@link #bindPublisher}): written to the durable spool, acknowledged by Kafka, not yet
 *       acknowledged.
 * </ul>
 *
 * <p>The in-process counts may count a record twice when it is reprocessed after a crash; the
 * topics themselves are exactly-once.
 */
public final class BillingMetrics {

  private BillingMetrics() {}

  /** Dead-letter counts by reason, duplicates and bad global-table records. */
  public static void bindDeadLetters(MeterRegistry registry, DeadLetterCounter counter) {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      if (reason == DeadLetterReason.UNRECOGNIZED) {
        continue;
      }
      FunctionCounter.builder("cohort.billing.dead.letters", counter, c -> c.rejected(reason))
          .description("Usage events sent to the dead-letter topic, by reason")
          .tag("reason", reason.name())
          .register(registry);
    }
    FunctionCounter.builder("cohort.billing.usage.events.read", counter, DeadLetterCounter::read)
        .description("Usage records read from cohort.usage.v1 (charged, rejected or duplicate)")
        .register(registry);
    FunctionCounter.builder("cohort.billing.usage.events.charged", counter,
            DeadLetterCounter::charged)
        .description("Usage events priced and posted to the ledger")
        .register(registry);
    FunctionCounter.builder("cohort.billing.ledger.charges.published", counter,
            DeadLetterCounter::chargesWritten)
        .description("Balanced charge records written to the ledger topic")
        .register(registry);
    FunctionCounter.builder("cohort.billing.duplicates", counter, DeadLetterCounter::duplicates)
        .description("Re-sent usage events dropped because their id was already charged")
        .register(registry);
    FunctionCounter.builder("cohort.billing.bad.global.records", counter,
            DeadLetterCounter::badGlobalRecords)
        .description("Model-version or consumer-account records not loaded (malformed or invalid)")
        .register(registry);
  }

  /** A publisher's spooled, published (acknowledged) and pending events. */
  public static void bindPublisher(MeterRegistry registry, SpoolingEventPublisher publisher) {
    FunctionCounter.builder("cohort.events.spooled", publisher,
            SpoolingEventPublisher::spooledTotal)
        .description("Events written to the durable local spool (every event published)")
        .register(registry);
    FunctionCounter.builder("cohort.events.published", publisher,
            SpoolingEventPublisher::deliveredTotal)
        .description("Events acknowledged by Kafka")
        .register(registry);
    Gauge.builder("cohort.events.pending", publisher, SpoolingEventPublisher::pending)
        .description("Spooled events not yet acknowledged by Kafka (Kafka unreachable or slow)")
        .register(registry);
  }

  /** Usage events waiting to be billed, from the Streams application's consumer metrics. */
  public static void bindLedgerLag(MeterRegistry registry, KafkaStreams streams) {
    Gauge.builder("cohort.billing.ledger.lag", streams, BillingMetrics::usageLag)
        .description("Usage events in Kafka not yet written to the ledger")
        .baseUnit("records")
        .register(registry);
  }

  /** Ledger records waiting to be loaded by the query view. */
  public static void bindQueryLag(MeterRegistry registry, LedgerFollower follower) {
    Gauge.builder("cohort.billing.query.lag", follower,
            f -> f.lag() < 0 ? Double.NaN : f.lag())
        .description("Committed ledger records not yet visible to balance and statement queries")
        .baseUnit("records")
        .register(registry);
  }

  /**
   * Sum over the usage topic's partitions of the main consumer's {@code records-lag}; NaN when
   * no partition has reported yet.
   */
  static double usageLag(KafkaStreams streams) {
    double sum = 0;
    boolean any = false;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      String topic = name.tags().get("topic");
      if (name.name().equals("records-lag") && name.tags().containsKey("partition")
          && (CohortTopics.USAGE.equals(topic)
              || CohortTopics.USAGE.replace('.', '_').equals(topic))
          && e.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
        sum += n.doubleValue();
        any = true;
      }
    }
    return any ? sum : Double.NaN;
  }
}
