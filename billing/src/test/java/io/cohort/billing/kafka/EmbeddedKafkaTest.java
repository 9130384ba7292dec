package io.cohort.billing.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.billing.events.CohortTopics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

  @Test
  void aStartedBrokerServesCohortTopicsOnLoopbackAndDeletesItsDataOnClose() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(1);
    try {
      assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
            .contains(CohortTopics.USAGE, CohortTopics.LEDGER, CohortTopics.MODEL_VERSIONS);
      }
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          "bootstrap.servers", kafka.bootstrapServers(), "enable.idempotence", true),
          new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(CohortTopics.CONTRIBUTIONS, "a", "hello")).get();
      }
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
          "bootstrap.servers", kafka.bootstrapServers(), "group.id", "t",
          "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of(CohortTopics.CONTRIBUTIONS));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        for (int i = 0; i < 60 && records.isEmpty(); i++) {
          records = consumer.poll(Duration.ofMillis(500));
        }
        assertThat(records).extracting(r -> r.value()).containsExactly("hello");
      }
    } finally {
      kafka.close();
    }
    assertThat(Files.exists(kafka.logDir())).isFalse();
  }
}
