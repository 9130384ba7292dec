package io.cohort.billing.stream;

import io.cohort.billing.events.CohortTopics;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.DeadLetter;
import io.cohort.billing.ledger.LedgerCharges;
import io.cohort.proto.v1.LedgerCharge;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The billing topology in a TopologyTestDriver, with typed topics. */
final class BillingDriver implements AutoCloseable {

  final DeadLetterCounter counter = new DeadLetterCounter();
  final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> usage;
  private final TestInputTopic<String, byte[]> versions;
  private final TestInputTopic<String, byte[]> consumers;
  private final TestOutputTopic<String, LedgerCharge> ledger;
  private final TestOutputTopic<String, DeadLetter> deadLetters;

  BillingDriver(BillingSettings settings, Instant wallClock) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "billing-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
    driver = new TopologyTestDriver(BillingTopology.build(settings, counter), props, wallClock);
    usage = driver.createInputTopic(CohortTopics.USAGE, Serdes.String().serializer(),
        Serdes.ByteArray().serializer());
    versions = driver.createInputTopic(CohortTopics.MODEL_VERSIONS, Serdes.String().serializer(),
        Serdes.ByteArray().serializer());
    consumers = driver.createInputTopic(CohortTopics.CONSUMERS, Serdes.String().serializer(),
        Serdes.ByteArray().serializer());
    ledger = driver.createOutputTopic(CohortTopics.LEDGER, Serdes.String().deserializer(),
        new ProtoSerde<>(LedgerCharge.parser()).deserializer());
    deadLetters = driver.createOutputTopic(CohortTopics.DEAD_LETTER,
        Serdes.String().deserializer(), new ProtoSerde<>(DeadLetter.parser()).deserializer());
  }

  static Path stateDir() {
    String base = System.getProperty("cohort.billing.state.dir", "target/kafka-streams");
    return Path.of(base, "ttd-" + UUID.randomUUID());
  }

  void publish(ModelVersionEvent v) {
    versions.pipeInput(v.getFederationId() + "/" + v.getVersion(), v.toByteArray());
  }

  void withdraw(String versionKey) {
    versions.pipeInput(versionKey, null);
  }

  void account(ConsumerAccountEvent a) {
    consumers.pipeInput(a.getConsumerId(), a.toByteArray());
  }

  void use(UsageEvent u) {
    usage.pipeInput(u.getConsumerId(), u.toByteArray());
  }

  void useRaw(String key, byte[] payload) {
    usage.pipeInput(key, payload);
  }

  void advanceClock(Duration d) {
    driver.advanceWallClockTime(d);
  }

  /** The entries of the charges written since the last call. */
  List<LedgerEntry> ledger() {
    return charges().stream().flatMap(c -> LedgerCharges.entries(c).stream()).toList();
  }

  /** The ledger records (one per charge, keyed by consumer) written since the last call. */
  List<org.apache.kafka.streams.test.TestRecord<String, LedgerCharge>> chargeRecords() {
    return ledger.readRecordsToList();
  }

  private List<LedgerCharge> charges() {
    return ledger.readValuesToList();
  }

  List<DeadLetter> deadLetters() {
    return deadLetters.readValuesToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
