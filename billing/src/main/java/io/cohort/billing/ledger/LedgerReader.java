package io.cohort.billing.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.billing.events.CohortTopics;
import io.cohort.proto.v1.LedgerCharge;
import io.cohort.proto.v1.LedgerEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the whole ledger topic, committed transactions only, up to its current end, as
 * per-account entries ({@link LedgerCharges#entries}). No consumer group: nothing is committed, any number of readers can run.
 */
public final class LedgerReader {

  private LedgerReader() {}

  /**
   * @throws IllegalStateException when the end is not reached within {@code timeout}
   */
  public static LedgerSnapshot readAll(String bootstrapServers, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    List<LedgerEntry> entries = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(CohortTopics.LEDGER, timeout)) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("ledger not read to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            entries.addAll(LedgerCharges.entries(
                LedgerCharge.parseFrom(r.value() == null ? new byte[0] : r.value())));
          } catch (InvalidProtocolBufferException e) {
            unreadable.add("partition " + r.partition() + " offset " + r.offset());
          }
        }
      }
    }
    return new LedgerSnapshot(entries, unreadable);
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
