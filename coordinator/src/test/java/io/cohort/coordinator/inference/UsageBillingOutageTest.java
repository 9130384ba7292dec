package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.billing.stream.BillingService;
import io.cohort.billing.stream.BillingSettings;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.ApiPlan;
import io.cohort.proto.v1.CreateApiKeyRequest;
import io.cohort.proto.v1.EntryKind;
import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answered requests are billed exactly once across a Kafka outage and a coordinator restart:
 * the real embedded broker, the real billing service, a real coordinator over gRPC.
 */
class UsageBillingOutageTest {

  @TempDir Path dir;
  CoordinatorServer coordinator;
  ManagedChannel channel;
  String key;
  int answeredRequests;
  int answeredPredictions;

  @Test
  void everyAnsweredPredictionIsBilledOnceAndRefusedOnesNever() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
    EmbeddedKafka restarted = null;
    BillingService billing = null;
    try {
      CohortTopics.ensure(kafka.bootstrapServers(), 1, (short) 1, 30_000);
      startCoordinator(kafka.bootstrapServers());
      ServedFederation.finishRound(ServedFederation.create(coordinator.federations(),
          dir.resolve("coordinator")), 1, ServedFederation.params(1f));
      key = ApiKeyServiceGrpc.newBlockingStub(channel).createApiKey(CreateApiKeyRequest
          .newBuilder().setConsumerId("clinic-7").setPlan(ApiPlan.PAYG).build()).getApiKey();
      sendRequests(5);

      kafka.close(); // outage: usage is answered and spooled, not delivered
      sendRequests(5);
      refusedRequest();
      coordinator.close(); // and a coordinator restart with undelivered usage in its spool
      channel.shutdownNow();
      startCoordinator(kafka.bootstrapServers());
      sendRequests(3);
      refusedRequest();

      restarted = kafka.restart();
      billing = BillingService.start(kafka.bootstrapServers(), BillingSettings.demo(),
          dir.resolve("billing"), "usage-outage-test");
      assertThat(billing.awaitRunning(Duration.ofSeconds(60))).isTrue();

      String bootstrap = kafka.bootstrapServers();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            List<LedgerEntry> charges = usageCharges(bootstrap);
            assertThat(charges.stream().mapToLong(LedgerEntry::getPredictions).sum())
                .isEqualTo(answeredPredictions);
          });
      List<LedgerEntry> charges = usageCharges(bootstrap);
      Set<String> events = charges.stream().map(LedgerEntry::getSourceEventId)
          .collect(Collectors.toSet());
      assertThat(events).hasSize(answeredRequests).allMatch(id -> id.startsWith("use-"));
      assertThat(charges).hasSize(answeredRequests);
      assertThat(charges).allMatch(e -> e.getAmountMicros() < 0);
    } finally {
      if (billing != null) {
        billing.close();
      }
      channel.shutdownNow();
      coordinator.close();
      kafka.close();
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  void startCoordinator(String bootstrap) {
    coordinator = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0,
        dir.resolve("coordinator"), 60_000, 2, CoordinatorServer.NO_HTTP, bootstrap), List.of())
        .start();
    channel = NettyChannelBuilder.forTarget(coordinator.target()).usePlaintext().build();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub consumer() {
    Metadata m = new Metadata();
    m.put(ApiKeyMetadata.X_API_KEY, key);
    return InferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  void sendRequests(int n) {
    for (int i = 0; i < n; i++) {
      int records = 1 + i % 3;
      List<FeatureRecord> batch = new ArrayList<>(Collections.nCopies(records,
          ServedFederation.record(40 + i, i % 2 == 0 ? "f" : "m")));
      int got = consumer().predict(PredictRequest.newBuilder().addAllRecords(batch).build())
          .getPredictionsCount();
      assertThat(got).isEqualTo(records);
      answeredRequests++;
      answeredPredictions += records;
    }
  }

  void refusedRequest() {
    assertThatThrownBy(() -> consumer().predict(PredictRequest.newBuilder()
        .addRecords(ServedFederation.record(Double.NaN, "m")).build()))
        .hasMessageContaining("INVALID_ARGUMENT");
  }

  static List<LedgerEntry> usageCharges(String bootstrap) {
    return LedgerReader.readAll(bootstrap, Duration.ofSeconds(10)).entries().stream()
        .filter(e -> e.getAccount().equals("consumer:clinic-7")
            && e.getKind() == EntryKind.USAGE_CHARGE).toList();
  }
}
