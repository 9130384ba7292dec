package io.cohort.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.cohort.proto.v1.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's JSON API over real federations (no network). */
class DashboardApiTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(3).setNumClasses(2).build();

  @TempDir Path dir;
  Federations federations;
  AuditLog audit;
  DashboardApi api;

  @BeforeEach
  void setUp() {
    LiveRounds live = new LiveRounds();
    federations = new Federations(dir, List.of(live));
    audit = AuditLog.inMemory();
    api = new DashboardApi(federations, audit, live);
  }

  @AfterEach
  void tearDown() {
    federations.close();
  }

  Federation create(String id) {
    return federations.create(FederationSpec.newBuilder().setFederationId(id).setModel(MODEL)
        .setSchemaFingerprint("s").setRounds(5).setMinNodes(2).setQuorum(2)
        .setSelectionTimeoutMs(600_000).setStrategy("fedavg").build());
  }

  @Test
  void federationsAreListedByIdWithSettingsAndAllowedActions() {
    create("zeta");
    create("alpha");

    DashboardApi.Response r = api.get("federations", Map.of());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).hasSize(2);
    JsonNode alpha = r.body().get(0);
    assertThat(alpha.get("id").asText()).isEqualTo("alpha");
    assertThat(alpha.get("state").asText()).isEqualTo("CREATED");
    assertThat(alpha.get("totalRounds").asInt()).isEqualTo(5);
    assertThat(alpha.get("completedRounds").asInt()).isZero();
    assertThat(alpha.get("strategy").asText()).isEqualTo("fedavg");
    assertThat(alpha.at("/model/architecture").asText()).isEqualTo("logistic");
    assertThat(alpha.get("nodesConnected").asInt()).isZero();
    assertThat(alpha.get("actions")).extracting(JsonNode::asText).containsExactly("start", "stop");
    assertThat(alpha.get("live").isNull()).isTrue();
  }

  @Test
  void unknownFederationAndUnknownResourceAre404WithAMessage() {
    create("f");
    assertThat(api.get("federations/nope", Map.of()).status()).isEqualTo(404);
    assertThat(api.get("federations/nope", Map.of()).body().get("error").asText())
        .isEqualTo("unknown federation 'nope'");
    assertThat(api.get("federations/f/bananas", Map.of()).status()).isEqualTo(404);
    assertThat(api.post("federations/f/explode", "operator",
        "http 127.0.0.1:9").status()).isEqualTo(404);
  }

  @Test
  void actionsChangeStateAndAreAuditedWithTheirPeer() {
    Federation f = create("f");

    DashboardApi.Response started = api.post("federations/f/start", "operator",
        "http 127.0.0.1:5000");
    DashboardApi.Response paused = api.post("federations/f/pause", "operator",
        "http 127.0.0.1:5000");

    assertThat(started.status()).isEqualTo(200);
    assertThat(paused.body().get("state").asText()).isEqualTo("PAUSED");
    assertThat(paused.body().get("actions")).extracting(JsonNode::asText)
        .containsExactly("resume", "stop");
    assertThat(f.state()).isEqualTo(FederationState.PAUSED);
    JsonNode events = api.get("audit", Map.of("federation", "f")).body();
    assertThat(events).extracting(e -> e.get("action").asText())
        .containsExactly("federation.start", "federation.pause");
    assertThat(events.get(1).get("actor").asText()).isEqualTo("operator");
    assertThat(events.get(1).get("peer").asText()).isEqualTo("http 127.0.0.1:5000");
    assertThat(events.get(1).get("outcome").asText()).isEqualTo("allowed");
  }

  @Test
  void actionTheStateDoesNotAllowIs409ChangesNothingAndIsAuditedAsRefused() {
    Federation f = create("f");
    api.post("federations/f/stop", "operator",
        "http 127.0.0.1:1");

    DashboardApi.Response r = api.post("federations/f/pause", "operator",
        "http 127.0.0.1:1");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.body().get("error").asText()).contains("is STOPPED").contains("cannot pause");
    assertThat(f.state()).isEqualTo(FederationState.STOPPED);
    JsonNode last = api.get("audit", Map.of()).body().get(1);
    assertThat(last.get("action").asText()).isEqualTo("federation.pause");
    assertThat(last.get("outcome").asText()).isEqualTo("refused");
    assertThat(last.get("detail").asText()).startsWith("FAILED_PRECONDITION");
  }

  @Test
  void roundsCarryGlobalAndSiteMetricsWithNaNAsNull() {
    Federation f = create("f");
    f.roundFinished(RoundSummary.newBuilder().setRound(1).setAttempt(1)
        .setOutcome(RoundOutcome.QUORUM_MISSED).addDropped("b").setDurationMs(900).build(), null);

    JsonNode rounds = api.get("federations/f/rounds", Map.of()).body();
    JsonNode round = DashboardApi.round(RoundSummary.newBuilder().setRound(2).setAttempt(1)
        .setOutcome(RoundOutcome.SUCCEEDED).setTrainLoss(0.5)
        .setGlobal(Metrics.newBuilder().setLoss(0.4).setAccuracy(0.8).setAuc(Double.NaN)
            .setExamples(100))
        .putSites("b", Metrics.newBuilder().setLoss(0.3).setAccuracy(0.9).setAuc(0.95).build())
        .putSites("a", Metrics.newBuilder().setLoss(0.5).setAccuracy(0.7).setAuc(0.85).build())
        .putEpsilon("a", 1.25).build());

    assertThat(rounds).hasSize(1);
    assertThat(rounds.get(0).get("outcome").asText()).isEqualTo("QUORUM_MISSED");
    assertThat(rounds.get(0).get("dropped").get(0).asText()).isEqualTo("b");
    assertThat(rounds.get(0).get("global").isNull()).isTrue();
    assertThat(round.at("/global/accuracy").asDouble()).isEqualTo(0.8);
    assertThat(round.at("/global/auc").isNull()).isTrue();
    assertThat(round.get("sites").fieldNames()).toIterable().containsExactly("a", "b");
    assertThat(round.at("/epsilon/a").asDouble()).isEqualTo(1.25);
  }

  @Test
  void versionsFollowTheLineageFromTheCurrentModelBackToTheInitialOne() {
    Federation f = create("f");
    String initial = f.currentVersion();
    float[] next = f.currentParameters().clone();
    next[0] += 1;
    String v1 = federations.registry().publish(next, new ModelRegistry.Lineage("f", 1,
        List.of(initial), List.of("a", "b"), "fedavg", Map.of(), MODEL,
        TrainConfig.getDefaultInstance()), new byte[0]).getVersion();
    federations.registry().recordMetrics("f", v1, Metrics.newBuilder().setAccuracy(0.75)
        .setLoss(0.5).setAuc(0.8).build());
    f.roundFinished(RoundSummary.newBuilder().setRound(1).setAttempt(1)
        .setOutcome(RoundOutcome.SUCCEEDED).setModelVersion(v1).build(), next);

    JsonNode versions = api.get("federations/f/versions", Map.of()).body();

    assertThat(versions).extracting(v -> v.get("version").asText()).containsExactly(v1, initial);
    assertThat(versions.get(0).get("current").asBoolean()).isTrue();
    assertThat(versions.get(0).get("parents").get(0).asText()).isEqualTo(initial);
    assertThat(versions.get(0).at("/metrics/accuracy").asDouble()).isEqualTo(0.75);
    assertThat(versions.get(0).get("participants")).hasSize(2);
    assertThat(versions.get(1).get("round").asInt()).isZero();
    assertThat(versions.get(1).get("metrics").isNull()).isTrue();
  }

  @Test
  void nodesListIsEmptyBeforeAnyNodeConnects() {
    create("f");
    assertThat(api.get("federations/f/nodes", Map.of()).body()).isEmpty();
  }

  @Test
  void badQueryParameterIs400() {
    DashboardApi.Response r = api.get("audit", Map.of("limit", "ten"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().get("error").asText()).contains("limit must be a whole number");
  }
}
