package io.cohort.billing.stream;

import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.pricing.SubscriptionUsage;
import io.cohort.proto.v1.DeadLetter;
import io.cohort.proto.v1.LedgerCharge;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The billing pipeline as a Kafka Streams topology, to run with exactly_once_v2.
 *
 * <pre>
 *  cohort.model-versions.v1 -> load-model-versions    -> model-versions-store    (global)
 *  cohort.consumers.v1      -> load-consumer-accounts -> consumer-accounts-store (global)
 *
 *  cohort.usage.v1 -> parse-usage -> validate-usage -> dedup-usage -> price-usage -> cohort.ledger.v2
 *                         |               |                |              |
 *                         +---------------+----------------+--------------+-> cohort.billing.dead-letter.v1
 * </pre>
 *
 * <p>Stores: {@code usage-dedup-store} (event ids, windowed), {@code usage-counters-store}
 * (predictions charged at list price per period, consumer and version),
 * {@code subscription-usage-store} (quota used and fee drawn per period and consumer).
 */
public final class BillingTopology {

  public static final String USAGE_SOURCE = "usage-source";
  public static final String PARSE_USAGE = "parse-usage";
  public static final String VALIDATE_USAGE = "validate-usage";
  public static final String DEDUP_USAGE = "dedup-usage";
  public static final String PRICE_USAGE = "price-usage";
  public static final String LEDGER_SINK = "ledger-sink";
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";
  public static final String MODEL_VERSIONS_STORE = "model-versions-store";
  public static final String CONSUMER_ACCOUNTS_STORE = "consumer-accounts-store";
  public static final String USAGE_DEDUP_STORE = "usage-dedup-store";
  public static final String USAGE_COUNTERS_STORE = "usage-counters-store";
  public static final String SUBSCRIPTION_USAGE_STORE = "subscription-usage-store";

  private BillingTopology() {}

  /** The topology; {@code counter} receives counts of rejected and duplicate events. */
  public static Topology build(BillingSettings settings, DeadLetterCounter counter) {
    Topology topology = new Topology();
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_VERSIONS_STORE),
            Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
        "model-versions-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        CohortTopics.MODEL_VERSIONS, "load-model-versions",
        () -> new LoadGlobalTable(MODEL_VERSIONS_STORE, ValidateUsage::parseVersion, counter));
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CONSUMER_ACCOUNTS_STORE),
            Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
        "consumer-accounts-source", Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(), CohortTopics.CONSUMERS, "load-consumer-accounts",
        () -> new LoadGlobalTable(CONSUMER_ACCOUNTS_STORE, ValidateUsage::parseAccount, counter));

    topology.addSource(AutoOffsetReset.earliest(), USAGE_SOURCE, new UsageTimeExtractor(), Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(), CohortTopics.USAGE);
    topology.addProcessor(PARSE_USAGE, () -> new ParseUsage(counter), USAGE_SOURCE);
    topology.addProcessor(VALIDATE_USAGE, () -> new ValidateUsage(settings, counter),
        PARSE_USAGE);
    topology.addProcessor(DEDUP_USAGE, () -> new DedupUsage(settings, counter), VALIDATE_USAGE);
    topology.addProcessor(PRICE_USAGE, () -> new PriceUsage(settings, counter), DEDUP_USAGE);
    topology.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(USAGE_DEDUP_STORE, settings.dedupRetention(),
            Duration.ofMillis(1), false),
        Serdes.String(), Serdes.Long()), DEDUP_USAGE);
    // Cached: RocksDB and the changelogs get each counter once per commit, not once per event.
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(USAGE_COUNTERS_STORE), Serdes.String(), Serdes.Long())
        .withCachingEnabled(), PRICE_USAGE);
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(SUBSCRIPTION_USAGE_STORE), Serdes.String(),
        new SubscriptionUsageSerde()).withCachingEnabled(), PRICE_USAGE);

    Serializer<LedgerCharge> ledger = new ProtoSerde<>(LedgerCharge.parser()).serializer();
    Serializer<DeadLetter> deadLetter = new ProtoSerde<>(DeadLetter.parser()).serializer();
    topology.addSink(LEDGER_SINK, CohortTopics.LEDGER, Serdes.String().serializer(), ledger,
        PRICE_USAGE);
    topology.addSink(DEAD_LETTER_SINK, CohortTopics.DEAD_LETTER, Serdes.String().serializer(),
        deadLetter, PARSE_USAGE, VALIDATE_USAGE, DEDUP_USAGE, PRICE_USAGE);
    return topology;
  }
}
