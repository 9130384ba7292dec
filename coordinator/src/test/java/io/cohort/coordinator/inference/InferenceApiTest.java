package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.keys.QuotaPolicy;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.ApiPlan;
import io.cohort.proto.v1.ConsumerUsage;
import io.cohort.proto.v1.CreateApiKeyRequest;
import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import io.cohort.proto.v1.GetUsageRequest;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.ListApiKeysRequest;
import io.cohort.proto.v1.ListModelsRequest;
import io.cohort.proto.v1.ListModelsResponse;
import io.cohort.proto.v1.PredictRequest;
import io.cohort.proto.v1.PredictResponse;
import io.cohort.proto.v1.RevokeApiKeyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference API end to end: a real coordinator, gRPC over Netty and HTTP on 127.0.0.1. */
class InferenceApiTest {

  @TempDir Path dir;
  CoordinatorServer server;
  ManagedChannel channel;
  Federation federation;
  String version1;
  String key;
  HttpClient http = HttpClient.newHttpClient();

  /** The serving engine under test; {@link InferenceApiDjlTest} runs every case with DJL. */
  ServingEngine engine() {
    return ServingEngine.JAVA;
  }

  void start(Path dataDir, QuotaPolicy quota) {
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0, dataDir, 60_000,
        2, 0), List.of(), InferenceSettings.defaults().withQuota(quota).withEngine(engine()))
        .start();
    channel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();
    federation = ServedFederation.create(server.federations(), dataDir);
    version1 = ServedFederation.finishRound(federation, 1, ServedFederation.params(1f));
    key = keys().createApiKey(CreateApiKeyRequest.newBuilder().setConsumerId("clinic-1")
        .setPlan(ApiPlan.PAYG).build()).getApiKey();
  }

  @BeforeEach
  void setUp() {
    start(dir, QuotaPolicy.unlimited());
  }

  @AfterEach
  void tearDown() {
    channel.shutdownNow();
    server.close();
  }

  ApiKeyServiceGrpc.ApiKeyServiceBlockingStub keys() {
    return ApiKeyServiceGrpc.newBlockingStub(channel);
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub consumer(String header, String value) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER), value);
    return InferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub consumer() {
    return consumer("authorization", "Bearer " + key);
  }

  static PredictRequest request(FeatureRecord... records) {
    return PredictRequest.newBuilder().addAllRecords(List.of(records)).build();
  }

  @Test
  void predictAnswersTheModelsProbabilitiesAndTheVersion() {
    PredictResponse r = consumer().predict(request(ServedFederation.record(70, "m"),
        ServedFederation.record(30, "f")));

    assertThat(r.getModelVersion()).isEqualTo(version1);
    assertThat(r.getClassNamesList()).containsExactly("healthy", "disease");
    assertThat(r.getPredictions(0).getProbabilities(1))
        .isCloseTo(ServedFederation.diseaseProbability(1f, 70, "m"), within(1e-5));
    assertThat(r.getPredictions(1).getProbabilities(1))
        .isCloseTo(ServedFederation.diseaseProbability(1f, 30, "f"), within(1e-5));
    assertThat(r.getPredictions(0).getPredictedClass()).isEqualTo(1);
    assertThat(r.getPredictions(1).getPredictedClass()).isEqualTo(0);
    assertThat(r.getRequestId()).isNotEmpty();
    assertThat(server.metrics().scrape())
        .contains("cohort_inference_predictions_total{federation=\"heart\"} 2.0")
        .contains("cohort_inference_requests_seconds_count{federation=\"heart\",outcome=\"ok\"} 1")
        .contains("cohort_inference_requests_seconds_bucket{federation=\"heart\",outcome=\"ok\"");
  }

  @Test
  void xApiKeyHeaderAuthenticatesToo() {
    PredictResponse r = consumer("x-api-key", key).predict(request(
        ServedFederation.record(50, "f")));
    assertThat(r.getPredictionsCount()).isEqualTo(1);
  }

  @Test
  void newVersionIsSwappedInAndOldOneStaysPinnable() {
    String version2 = ServedFederation.finishRound(federation, 2, ServedFederation.params(-1f));

    PredictResponse latest = consumer().predict(request(ServedFederation.record(70, "m")));
    PredictResponse pinned = consumer().predict(request(ServedFederation.record(70, "m"))
        .toBuilder().setModelVersion(version1).build());

    assertThat(latest.getModelVersion()).isEqualTo(version2);
    assertThat(latest.getPredictions(0).getProbabilities(1))
        .isCloseTo(ServedFederation.diseaseProbability(-1f, 70, "m"), within(1e-5));
    assertThat(pinned.getModelVersion()).isEqualTo(version1);
  }

  @Test
  void listModelsGivesVersionsWithQualityPriceAndSchema() {
    ServedFederation.finishRound(federation, 2, ServedFederation.params(-1f));

    ListModelsResponse r = consumer().listModels(ListModelsRequest.getDefaultInstance());

    assertThat(r.getModelsList()).hasSize(2);
    assertThat(r.getModels(0).getLatest()).isTrue();
    assertThat(r.getModels(1).getVersion()).isEqualTo(version1);
    assertThat(r.getModels(1).getQuality()).isEqualTo(0.8);
    assertThat(r.getModels(1).getPriceMicrosPer1000()).isEqualTo(1_600_000);
    assertThat(r.getSchemas(0)).isEqualTo(ServedFederation.SCHEMA);
  }

  @Test
  void badInputsAreRefusedPreciselyAndNeverCounted() {
    FeatureRecord ok = ServedFederation.record(60, "m");
    FeatureRecord missing = ok.toBuilder().removeFeatures("age").build();
    FeatureRecord extra = ok.toBuilder().putFeatures("height",
        FeatureValue.newBuilder().setNumber(1).build()).build();
    FeatureRecord wrongType = ok.toBuilder().putFeatures("age",
        FeatureValue.newBuilder().setCategory("old").build()).build();
    FeatureRecord nan = ServedFederation.record(Double.NaN, "m");
    FeatureRecord badCategory = ServedFederation.record(60, "x");

    assertRefused(request(ok, missing), Status.Code.INVALID_ARGUMENT,
        "records[1].features[\"age\"]: missing feature");
    assertRefused(request(extra), Status.Code.INVALID_ARGUMENT,
        "records[0].features[\"height\"]: unknown feature");
    assertRefused(request(wrongType), Status.Code.INVALID_ARGUMENT,
        "records[0].features[\"age\"]: must be a number");
    assertRefused(request(nan), Status.Code.INVALID_ARGUMENT, "must be finite, got NaN");
    assertRefused(request(badCategory), Status.Code.INVALID_ARGUMENT,
        "'x' is not one of the categories [f, m]");
    assertRefused(request(Collections.nCopies(1001, ok).toArray(FeatureRecord[]::new)),
        Status.Code.INVALID_ARGUMENT, "records: 1001 records exceed the limit of 1000");
    assertRefused(request(ok).toBuilder().setModelVersion("0123456789abcdef").build(),
        Status.Code.NOT_FOUND, "model_version: '0123456789abcdef' is not a version");
    assertRefused(request(ok).toBuilder().setFederationId("nope").build(),
        Status.Code.NOT_FOUND, "federation_id: no federation 'nope'");

    ConsumerUsage usage = consumer().getUsage(GetUsageRequest.getDefaultInstance());
    assertThat(usage.getRequests()).isZero();
    assertThat(usage.getPredictions()).isZero();
    assertThat(usage.getRejected()).isEqualTo(8);
    assertThat(server.metrics().scrape()).contains("cohort_inference_rejected_total{reason=\"invalid_input\"} 5.0");
  }

  void assertRefused(PredictRequest request, Status.Code code, String message) {
    assertThatThrownBy(() -> consumer().predict(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).contains(message);
        });
  }

  @Test
  void missingUnknownAndRevokedKeysAreUnauthenticated() {
    var noKey = InferenceServiceGrpc.newBlockingStub(channel);
    PredictRequest r = request(ServedFederation.record(60, "m"));
    assertThatThrownBy(() -> noKey.predict(r)).hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("missing API key");
    assertThatThrownBy(() -> consumer("authorization", "Bearer ck_000000000000_"
        + "A".repeat(43)).predict(r)).hasMessageContaining("UNAUTHENTICATED");

    String keyId = keys().listApiKeys(ListApiKeysRequest.getDefaultInstance()).getKeys(0)
        .getKeyId();
    consumer().predict(r);
    keys().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build());

    assertThatThrownBy(() -> consumer().predict(r)).hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("unknown or revoked");
    assertThatThrownBy(() -> keys().revokeApiKey(RevokeApiKeyRequest.newBuilder()
        .setKeyId("nope").build())).hasMessageContaining("NOT_FOUND");

    // Key management is audited by key id; the key itself never reaches the log.
    var audited = server.audit().list("", 100, 0);
    assertThat(audited).anySatisfy(e -> {
      assertThat(e.getAction()).isEqualTo("apikey.create");
      assertThat(e.getTarget()).isEqualTo(keyId);
      assertThat(e.getDetail()).contains("consumer clinic-1");
    });
    assertThat(audited).anySatisfy(e -> {
      assertThat(e.getAction()).isEqualTo("apikey.revoke");
      assertThat(e.getTarget()).isEqualTo(keyId);
      assertThat(e.getOutcome()).isEqualTo(io.cohort.proto.v1.AuditOutcome.AUDIT_ALLOWED);
    });
    assertThat(audited).anySatisfy(e -> {
      assertThat(e.getAction()).isEqualTo("apikey.revoke");
      assertThat(e.getTarget()).isEqualTo("nope");
      assertThat(e.getOutcome()).isEqualTo(io.cohort.proto.v1.AuditOutcome.AUDIT_REFUSED);
    });
    assertThat(audited.toString()).doesNotContain(key);
  }

  @Test
  void keysSurviveARestartAndOnlyTheirHashIsStored() throws Exception {
    server.close();
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0, dir, 60_000, 2,
        0), List.of()).start();
    channel.shutdownNow();
    channel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();

    assertThat(consumer().predict(request(ServedFederation.record(60, "m")))
        .getPredictionsCount()).isEqualTo(1);
    assertThat(java.nio.file.Files.readString(dir.resolve("keys/api-keys.jsonl")))
        .doesNotContain(key).contains(io.cohort.coordinator.keys.ApiKeyFormat.hash(key));
  }

  @Test
  void httpHasTheSameSemantics() throws Exception {
    String body = "{\"records\": [{\"age\": 70, \"sex\": \"m\"}]}";
    HttpResponse<String> ok = post(body, "Bearer " + key);
    HttpResponse<String> noKey = post(body, null);
    HttpResponse<String> bad = post("{\"records\": [{\"age\": \"old\", \"sex\": \"m\"}]}",
        "Bearer " + key);
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(uri("/v1/models"))
        .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"model_version\":\"" + version1 + "\"")
        .contains("\"predicted_class\":1");
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.body()).contains("UNAUTHENTICATED");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("records[0].features[\\\"age\\\"]: must be a number");
    HttpResponse<String> notJson = post("{records: [", "Bearer " + key);
    HttpResponse<String> unknownVersion = post("{\"model_version\": \"ffffffffffffffff\","
        + " \"records\": [{\"age\": 70, \"sex\": \"m\"}]}", "Bearer " + key);
    HttpResponse<String> getPredict = http.send(HttpRequest.newBuilder(uri("/v1/predict"))
        .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("body: not valid JSON");
    assertThat(unknownVersion.statusCode()).isEqualTo(404);
    assertThat(unknownVersion.body()).contains("model_version");
    assertThat(getPredict.statusCode()).isEqualTo(405);
    assertThat(consumer().getUsage(GetUsageRequest.getDefaultInstance()).getRequests())
        .isEqualTo(1);
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(models.body()).contains("\"price_micros_per_1000\":\"1600000\"");
  }

  @Test
  void rateLimitIsResourceExhaustedWithRetryAfter() throws Exception {
    tearDown();
    start(dir.resolve("limited"), new QuotaPolicy(0.001, 1, 0));
    PredictRequest r = request(ServedFederation.record(60, "m"));
    consumer().predict(r);

    assertThatThrownBy(() -> consumer().predict(r))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getTrailers().get(InferenceException.RETRY_AFTER)).isNotNull();
        });
    HttpResponse<String> http429 = post("{\"records\": [{\"age\": 70, \"sex\": \"m\"}]}",
        "Bearer " + key);
    assertThat(http429.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(http429.headers().firstValue("Retry-After").orElseThrow()))
        .isPositive();
  }

  @Test
  void dailyQuotaIsResourceExhausted() {
    tearDown();
    start(dir.resolve("quota"), new QuotaPolicy(0, 1, 3));
    consumer().predict(request(ServedFederation.record(60, "m"), ServedFederation.record(61, "m")));

    assertThatThrownBy(() -> consumer().predict(request(ServedFederation.record(60, "m"),
        ServedFederation.record(61, "m")))).hasMessageContaining("RESOURCE_EXHAUSTED")
        .hasMessageContaining("daily quota of 3 predictions");
    assertThat(consumer().predict(request(ServedFederation.record(60, "m")))
        .getPredictionsCount()).isEqualTo(1);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort().orElseThrow() + path);
  }

  HttpResponse<String> post(String body, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/predict"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
