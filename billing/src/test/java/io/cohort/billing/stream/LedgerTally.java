package io.cohort.billing.stream;

import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.ledger.LedgerCharges;
import io.cohort.proto.v1.LedgerCharge;
import io.cohort.proto.v1.LedgerEntry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows the ledger topic (committed entries only), keeping balances and entry-id counts. */
final class LedgerTally implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  final Map<String, Long> balances = new HashMap<>();
  final Map<String, Integer> entryIds = new HashMap<>();

  LedgerTally(String bootstrap) {
    consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "group.id", "tally-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
        "isolation.level", "read_committed", "max.poll.records", 10_000),
        new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(CohortTopics.LEDGER));
  }

  /** Reads what arrived; returns this for chaining in awaits. */
  LedgerTally poll() throws Exception {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      for (LedgerEntry e : LedgerCharges.entries(LedgerCharge.parseFrom(r.value()))) {
        balances.merge(e.getAccount(), e.getAmountMicros(), Long::sum);
        entryIds.merge(e.getEntryId(), 1, Integer::sum);
      }
    }
    return this;
  }

  long balance(String account) {
    return balances.getOrDefault(account, 0L);
  }

  long duplicatedEntries() {
    return entryIds.values().stream().filter(n -> n > 1).count();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
