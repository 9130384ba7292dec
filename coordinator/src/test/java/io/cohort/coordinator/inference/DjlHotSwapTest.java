package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.keys.QuotaPolicy;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.CreateApiKeyRequest;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.PredictRequest;
import io.cohort.proto.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions swapped in while concurrent clients keep predicting through gRPC with the DJL engine
 * and micro-batching: no request fails, and every answer carries its own version's probabilities.
 */
class DjlHotSwapTest {

  @TempDir Path dir;

  @Test
  void swapsUnderLoadDropNoRequestAndAnswerEachVersionsProbabilities() throws Exception {
    CoordinatorServer server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0,
        dir, 60_000, 2, CoordinatorServer.NO_HTTP), List.of(), InferenceSettings.defaults()
        .withQuota(QuotaPolicy.unlimited()).withEngine(ServingEngine.DJL)).start();
    ManagedChannel channel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();
    try {
      Federation f = ServedFederation.create(server.federations(), dir);
      Map<String, Float> weightOf = new ConcurrentHashMap<>();
      weightOf.put(ServedFederation.finishRound(f, 1, ServedFederation.params(1f)), 1f);
      String key = ApiKeyServiceGrpc.newBlockingStub(channel).createApiKey(
          CreateApiKeyRequest.newBuilder().setConsumerId("c").build()).getApiKey();
      Metadata m = new Metadata();
      m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
      var stub = InferenceServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
      PredictRequest request = PredictRequest.newBuilder()
          .addRecords(ServedFederation.record(70, "m")).build();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger answered = new AtomicInteger();
      ConcurrentLinkedQueue<PredictResponse> answers = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      Thread[] clients = new Thread[6];
      for (int t = 0; t < clients.length; t++) {
        clients[t] = new Thread(() -> {
          while (!stop.get()) {
            try {
              answers.add(stub.predict(request));
              answered.incrementAndGet();
            } catch (RuntimeException e) {
              failures.add(e);
            }
          }
        });
        clients[t].start();
      }
      float[] weights = {-1f, 2f, -3f};
      for (int round = 2; round <= 4; round++) {
        int before = answered.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= before + 50);
        float w = weights[round - 2];
        weightOf.put(ServedFederation.finishRound(f, round, ServedFederation.params(w)), w);
      }
      String last = f.currentVersion();
      await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream()
          .filter(a -> a.getModelVersion().equals(last)).count() >= 50);
      stop.set(true);
      for (Thread c : clients) {
        c.join();
      }

      assertThat(failures).isEmpty();
      assertThat(answers.stream().map(PredictResponse::getModelVersion).distinct())
          .hasSize(4);
      for (PredictResponse a : answers) {
        float w = weightOf.get(a.getModelVersion());
        assertThat((double) a.getPredictions(0).getProbabilities(1)).as(a.getModelVersion())
            .isCloseTo(ServedFederation.diseaseProbability(w, 70, "m"),
                within(1e-5));
      }
    } finally {
      channel.shutdownNow();
      server.close();
    }
  }
}
