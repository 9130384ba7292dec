package io.cohort.billing.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cohort.billing.TestDirs;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.billing.metrics.BillingMetrics;
import io.cohort.proto.v1.ContributionEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Publishing through a broker outage: nothing lost, nothing duplicated. */
class SpoolingEventPublisherOutageTest {

  private static final Map<String, Object> FAST_FAILING = Map.of(
      ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000,
      ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
      ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000,
      ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);

  @Test
  void eventsPublishedWhileTheBrokerIsDownArriveOnceItIsBack() throws Exception {
    Path logDir = TestDirs.fresh("kafka-outage-");
    EmbeddedKafka kafka = EmbeddedKafka.start(logDir, false);
    CohortTopics.ensure(kafka.bootstrapServers(), 1, (short) 1, 30_000);
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> settings = new HashMap<>(FAST_FAILING);
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    EmbeddedKafka restarted = null;
    try (SpoolingEventPublisher publisher = SpoolingEventPublisher.open(settings,
        TestDirs.fresh("spool-"), Duration.ofMillis(200))) {
      MeterRegistry metrics = new SimpleMeterRegistry();
      BillingMetrics.bindPublisher(metrics, publisher);
      publishRound(publisher, 1);
      assertThat(publisher.awaitDelivered(Duration.ofSeconds(30))).isTrue();

      kafka.close();
      publishRound(publisher, 2);
      publishRound(publisher, 3);
      assertThat(publisher.pending()).isEqualTo(20);
      assertThat(metrics.get("cohort.events.spooled").functionCounter().count()).isEqualTo(30);
      assertThat(metrics.get("cohort.events.published").functionCounter().count()).isEqualTo(10);
      assertThat(metrics.get("cohort.events.pending").gauge().value()).isEqualTo(20);

      restarted = kafka.restart();
      assertThat(publisher.awaitDelivered(Duration.ofSeconds(60))).isTrue();
      assertThat(metrics.get("cohort.events.published").functionCounter().count()).isEqualTo(30);
      assertThat(metrics.get("cohort.events.pending").gauge().value()).isZero();

      List<String> ids = readContributionIds(bootstrap, 30);
      assertThat(ids).hasSize(30).doesNotHaveDuplicates();
    } finally {
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  @Test
  void eventsLeftInTheSpoolByAStoppedPublisherAreSentByTheNextOne() throws Exception {
    Path spoolDir = TestDirs.fresh("spool-");
    Map<String, Object> unreachable = new HashMap<>(FAST_FAILING);
    unreachable.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    try (SpoolingEventPublisher offline = SpoolingEventPublisher.open(unreachable, spoolDir,
        Duration.ofMillis(200))) {
      publishRound(offline, 7);
      assertThat(offline.pending()).isEqualTo(10);
    }

    EmbeddedKafka kafka = EmbeddedKafka.start(1);
    try (SpoolingEventPublisher online = SpoolingEventPublisher.open(kafka.bootstrapServers(),
        spoolDir)) {
      assertThat(online.pending()).isEqualTo(10);
      assertThat(online.awaitDelivered(Duration.ofSeconds(30))).isTrue();
      assertThat(readContributionIds(kafka.bootstrapServers(), 10)).hasSize(10);
    } finally {
      kafka.close();
    }
  }

  private static void publishRound(SpoolingEventPublisher publisher, int round) {
    for (int owner = 0; owner < 10; owner++) {
      String ownerId = "hospital-" + owner;
      publisher.publish(ContributionEvent.newBuilder()
          .setEventId(EventIds.contribution("heart", round, ownerId)).setFederationId("heart")
          .setRound(round).setOwnerId(ownerId).setModelVersion("v" + round).setSamples(100)
          .setContributionScore(0.1).setEpsilonSpent(round * 0.5).setDelta(1e-5)
          .setTimeMs(System.currentTimeMillis()).build());
    }
  }

  /** Reads the contributions topic until {@code expected} records came, plus a short quiet. */
  private static List<String> readContributionIds(String bootstrap, int expected)
      throws Exception {
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", bootstrap, "group.id", "contrib-reader-" + System.nanoTime(),
        "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(CohortTopics.CONTRIBUTIONS));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ids.add(ContributionEvent.parseFrom(r.value()).getEventId());
        }
        return ids.size() >= expected;
      });
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        ids.add(ContributionEvent.parseFrom(r.value()).getEventId());
      }
    }
    return ids;
  }
}
