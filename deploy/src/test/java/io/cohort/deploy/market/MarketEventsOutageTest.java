package io.cohort.deploy.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.events.EventIds;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.edge.session.ClientListener;
import io.cohort.edge.session.EdgeClient;
import io.cohort.edge.task.ConstantUpdateWork;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.ContributionEvent;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.ModelVersionEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator publishes contribution and model-version events for every round while the
 * Kafka broker is down; once it is back, every event has arrived, none is missing, and no event
 * id appears twice among the distinct events.
 */
class MarketEventsOutageTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(2).setNumClasses(2).build();

  @TempDir Path dir;

  @Test
  void roundsFinishedDuringABrokerOutageArePublishedOnceItIsBack() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
    String bootstrap = kafka.bootstrapServers();
    CohortTopics.ensure(bootstrap, 1, (short) 1, 30_000);
    EmbeddedKafka restarted = null;
    List<EdgeClient> clients = new ArrayList<>();
    try (CoordinatorServer server = new CoordinatorServer(new CoordinatorServer.Config(
        "127.0.0.1", 0, dir.resolve("coordinator"), 500, 2, 0).withKafka(bootstrap), List.of())
        .start()) {
      kafka.close(); // the broker goes away before any event is published
      // Two well-separated classes: the validation utility responds to the updates.
      ValidationSet validation = new ValidationSet(new float[] {1, 1, 2, 2, -1, -1, -2, -2},
          new int[] {1, 1, 0, 0}, 2, 2);
      Federation f = server.federations().create(FederationSpec.newBuilder()
          .setFederationId("market").setModel(MODEL).setSchemaFingerprint("s").setRounds(3)
          .setMinNodes(2).setQuorum(2).setContributionScorer("loo").setQualityMetric("auc")
          .setPriceAlphaMicros(1_000_000).build(), validation);
      int elements = new ModelArchitecture(MODEL).trainableLayout().totalElements();
      for (String node : List.of("a", "b")) {
        clients.add(new EdgeClient(new EdgeClient.Config(server.target(), "market", node),
            DatasetSummary.newBuilder().setTrainExamples(10).setSchemaFingerprint("s")
                .setInputFeatures(2).build(), Capabilities.getDefaultInstance(),
            new SeparatingWork(new ConstantUpdateWork(elements, 0, 10, 0),
                node.equals("a") ? 0.5f : 0.1f),
            new ClientListener() {}).start());
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> f.nodes().connected().size() == 2);
      f.start();
      assertThat(server.federations().awaitTerminal("market", 60_000)).isTrue();
      assertThat(f.state()).isEqualTo(FederationState.COMPLETED);

      restarted = kafka.restart();
      Set<String> expected = new HashSet<>();
      for (int round = 1; round <= 3; round++) {
        for (String node : List.of("a", "b")) {
          expected.add(EventIds.contribution("market", round, node));
        }
      }
      List<ContributionEvent> contributions = new ArrayList<>();
      List<ModelVersionEvent> versions = new ArrayList<>();
      try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
        consumer.subscribe(List.of(CohortTopics.CONTRIBUTIONS, CohortTopics.MODEL_VERSIONS));
        await().atMost(Duration.ofSeconds(90)).until(() -> {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.topic().equals(CohortTopics.CONTRIBUTIONS)) {
              contributions.add(ContributionEvent.parseFrom(r.value()));
            } else {
              versions.add(ModelVersionEvent.parseFrom(r.value()));
            }
          }
          return contributions.stream().map(ContributionEvent::getEventId)
              .distinct().count() == expected.size() && versions.size() >= 3;
        });
      }
      assertThat(contributions).extracting(ContributionEvent::getEventId)
          .containsOnlyElementsOf(expected).doesNotHaveDuplicates();
      assertThat(versions).extracting(ModelVersionEvent::getRound).containsExactly(1, 2, 3);
      assertThat(versions.get(2).getContributionSharesList()).isNotEmpty();
      assertThat(versions.get(2).getPriceMicrosPer1000()).isPositive();
      // /metrics counts what was spooled during the outage and delivered after it
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
          server.metrics().scrape()).contains("cohort_events_pending 0.0")
          .containsPattern("cohort_events_spooled_total (9|[1-9][0-9]+)\\.0")
          .containsPattern("cohort_events_published_total (9|[1-9][0-9]+)\\.0"));
    } finally {
      clients.forEach(EdgeClient::close);
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Pushes class 1's weights up and class 0's down: an update that really helps. */
  record SeparatingWork(ConstantUpdateWork inner, float step) implements io.cohort.edge.task.LocalWork {
    @Override
    public io.cohort.edge.task.TrainOutcome train(ModelSpec model, io.cohort.proto.v1.Task task,
        float[] global, io.cohort.edge.training.ProgressListener progress,
        java.util.function.BooleanSupplier cancelled) {
      io.cohort.edge.task.TrainOutcome base = inner.train(model, task, global, progress,
          cancelled);
      float[] delta = new float[base.delta().length];
      delta[0] = -step; // layer0.weight row 0 (class 0)
      delta[1] = -step;
      delta[2] = step; // row 1 (class 1)
      delta[3] = step;
      return new io.cohort.edge.task.TrainOutcome(delta, base.samples(), base.trainMetrics(), 0);
    }

    @Override
    public io.cohort.proto.v1.EvaluationResult evaluate(ModelSpec model,
        io.cohort.proto.v1.Task task, float[] parameters) {
      return inner.evaluate(model, task, parameters);
    }
  }
}
