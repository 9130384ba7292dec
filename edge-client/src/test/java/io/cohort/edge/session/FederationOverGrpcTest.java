package io.cohort.edge.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real coordinator on 127.0.0.1 with real edge-client sessions whose local work is constant. */
class FederationOverGrpcTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(3).setNumClasses(2).build();
  static final int ELEMENTS = new ModelArchitecture(MODEL).layout().totalElements();

  @TempDir Path dir;
  CoordinatorServer server;
  final List<EdgeClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(EdgeClient::close);
    if (server != null) {
      server.close();
    }
  }

  CoordinatorServer startServer() {
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0, dir, 500, 2),
        List.of()).start();
    return server;
  }

  static FederationSpec spec(String id, int rounds, int minNodes, int quorum) {
    return FederationSpec.newBuilder().setFederationId(id).setModel(MODEL)
        .setSchemaFingerprint("schema-1").setRounds(rounds).setMinNodes(minNodes)
        .setQuorum(quorum).setRoundTimeoutMs(5_000).setEvalTimeoutMs(5_000)
        .setSelectionTimeoutMs(10_000).setSeed(7).build();
  }

  EdgeClient client(String fed, String node, GatedWork work, String fingerprint) {
    EdgeClient c = new EdgeClient(new EdgeClient.Config(server.target(), fed, node, 100, 1_000),
        DatasetSummary.newBuilder().setTrainExamples(work.samples).setEvalExamples(10)
            .setSchemaFingerprint(fingerprint).setInputFeatures(3).build(),
        Capabilities.newBuilder().setDevice("cpu").build(), work, new ClientListener() {});
    clients.add(c);
    return c.start();
  }

  @Test
  void roundsAggregateTheSampleWeightedMeanOfUpdates() throws Exception {
    startServer();
    Federation f = server.federations().create(spec("fed", 2, 2, 2));
    float[] initial = f.currentParameters().clone();
    client("fed", "a", new GatedWork(ELEMENTS, 1.0f, 100), "schema-1");
    client("fed", "b", new GatedWork(ELEMENTS, 4.0f, 300), "schema-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.nodes().connected().size() == 2);
    f.start();

    assertThat(server.federations().awaitTerminal("fed", 30_000)).isTrue();
    assertThat(f.state()).isEqualTo(FederationState.COMPLETED);
    // (100 * 1 + 300 * 4) / 400 = 3.25 per round, two rounds.
    float[] finalParams = f.currentParameters();
    for (int i = 0; i < ELEMENTS; i++) {
      assertThat(finalParams[i]).isCloseTo(initial[i] + 6.5f, org.assertj.core.data.Offset.offset(1e-5f));
    }
    List<RoundSummary> rounds = f.rounds();
    assertThat(rounds).extracting(RoundSummary::getOutcome)
        .containsExactly(RoundOutcome.SUCCEEDED, RoundOutcome.SUCCEEDED);
    assertThat(rounds.get(1).getParticipantsList()).containsExactly("a", "b");
    assertThat(rounds.get(1).getGlobal().getAccuracy()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(rounds.get(1).getSitesMap()).containsOnlyKeys("a", "b");
    assertThat(server.federations().registry().get(rounds.get(1).getModelVersion()).orElseThrow()
        .getParentsList()).containsExactly(rounds.get(0).getModelVersion());
    for (EdgeClient c : clients) {
      assertThat(c.awaitEnd(10, TimeUnit.SECONDS)).isEqualTo("COMPLETED");
    }
  }

  @Test
  void stragglerIsCutOffAtTheDeadlineAndTheRoundSucceedsWithQuorum() throws Exception {
    startServer();
    Federation f = server.federations().create(spec("fed", 1, 2, 1).toBuilder()
        .setRoundTimeoutMs(1_500).build());
    GatedWork slow = new GatedWork(ELEMENTS, 9.0f, 100);
    slow.gate = new CountDownLatch(1);
    client("fed", "fast", new GatedWork(ELEMENTS, 1.0f, 100), "schema-1");
    client("fed", "slow", slow, "schema-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.nodes().connected().size() == 2);
    float[] initial = f.currentParameters().clone();
    f.start();

    assertThat(server.federations().awaitTerminal("fed", 30_000)).isTrue();
    slow.gate.countDown();
    RoundSummary round = f.rounds().get(0);
    assertThat(round.getOutcome()).isEqualTo(RoundOutcome.SUCCEEDED);
    assertThat(round.getParticipantsList()).containsExactly("fast");
    assertThat(round.getDroppedList()).containsExactly("slow");
    assertThat(f.currentParameters()[0]).isCloseTo(initial[0] + 1.0f, org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void roundThatMissesQuorumIsRetriedThenTheFederationFails() throws Exception {
    startServer();
    Federation f = server.federations().create(spec("fed", 3, 1, 1).toBuilder()
        .setRoundTimeoutMs(800).setMaxRoundRetries(1).build());
    GatedWork stuck = new GatedWork(ELEMENTS, 1.0f, 100);
    stuck.gate = new CountDownLatch(1);
    client("fed", "stuck", stuck, "schema-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.nodes().connected().size() == 1);
    String before = f.currentVersion();
    f.start();

    assertThat(server.federations().awaitTerminal("fed", 30_000)).isTrue();
    stuck.gate.countDown();
    assertThat(f.state()).isEqualTo(FederationState.FAILED);
    assertThat(f.rounds()).extracting(RoundSummary::getOutcome)
        .containsExactly(RoundOutcome.QUORUM_MISSED, RoundOutcome.QUORUM_MISSED);
    assertThat(f.currentVersion()).isEqualTo(before);
  }

  @Test
  void nodeWithAnotherSchemaIsRefusedWithAMessageNamingTheFingerprint() throws Exception {
    startServer();
    server.federations().create(spec("fed", 1, 1, 1));
    EdgeClient c = client("fed", "odd", new GatedWork(ELEMENTS, 1.0f, 10), "other-schema");
    assertThatThrownBy(() -> c.awaitEnd(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema fingerprint other-schema")
        .hasMessageContaining("expects schema-1");
  }

  @Test
  void secondSessionWithTheSameNodeIdIsRefusedAndTheFirstKeepsWorking() throws Exception {
    startServer();
    Federation f = server.federations().create(spec("fed", 1, 1, 1));
    client("fed", "twin", new GatedWork(ELEMENTS, 1.0f, 10), "schema-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.nodes().connected().size() == 1);
    ClientListener recording = new ClientListener() {};
    List<String> reasons = new ArrayList<>();
    EdgeClient twin = new EdgeClient(new EdgeClient.Config(server.target(), "fed", "twin", 5_000,
        10_000), DatasetSummary.newBuilder().setTrainExamples(10).setSchemaFingerprint("schema-1")
        .setInputFeatures(3).build(), Capabilities.getDefaultInstance(),
        new GatedWork(ELEMENTS, 1.0f, 10), new ClientListener() {
          @Override
          public void disconnected(String reason, long retryInMs) {
            reasons.add(reason);
          }
        });
    clients.add(twin);
    twin.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty());
    assertThat(reasons.get(0)).contains("ALREADY_EXISTS").contains("already has an open session");
    assertThat(f.nodes().connected()).hasSize(1);
    f.start();
    assertThat(server.federations().awaitTerminal("fed", 30_000)).isTrue();
    assertThat(f.state()).isEqualTo(FederationState.COMPLETED);
  }

  @Test
  void frozenTensorsOfAnOperatorSuppliedBaseModelNeverChange() throws Exception {
    startServer();
    ModelSpec frozen = MODEL.toBuilder().addFrozenTensors("layer0.bias").build();
    ModelArchitecture arch = new ModelArchitecture(frozen);
    float[] base = new float[arch.layout().totalElements()];
    java.util.Arrays.fill(base, 0.25f);
    Path file = dir.resolve("base.cohortmodel");
    io.cohort.model.codec.ModelFile.write(file, arch.layout(), base);
    Federation f = server.federations().create(spec("fed", 1, 1, 1).toBuilder().setModel(frozen)
        .setInitialModelPath(file.toString()).build());
    int trainable = arch.trainableLayout().totalElements();
    client("fed", "a", new GatedWork(trainable, 1.0f, 10), "schema-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.nodes().connected().size() == 1);
    f.start();

    assertThat(server.federations().awaitTerminal("fed", 30_000)).isTrue();
    float[] after = f.currentParameters();
    int bias = arch.layout().offsetOf("layer0.bias");
    for (int i = 0; i < after.length; i++) {
      float expected = i >= bias ? 0.25f : 1.25f;
      assertThat(after[i]).as("element " + i).isEqualTo(expected);
    }
  }

  @Test
  void nodeRestartedMidRoundRejoinsTheNextRound() throws Exception {
    startServer();
    Federation f = server.federations().create(spec("fed", 3, 2, 1));
    GatedWork stuck = new GatedWork(ELEMENTS, 5.0f, 100);
    stuck.gate = new CountDownLatch(1);
    CountDownLatch stuckStarted = new CountDownLatch(1);
    client("fed", "a", new GatedWork(ELEMENTS, 1.0f, 100), "schema-1");
    EdgeClient b = new EdgeClient(new EdgeClient.Config(server.target(), "fed", "b", 100, 1_000),
        DatasetSummary.newBuilder().setTrainExamples(100).setSchemaFingerprint("schema-1")
            .setInputFeatures(3).build(), Capabilities.getDefaultInstance(), stuck,
        new ClientListener() {
          @Override
          public void trainingStarted(io.cohort.proto.v1.Task task) {
            stuckStarted.countDown();
          }
        });
    clients.add(b);
    b.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.nodes().connected().size() == 2);
    f.start();
    assertThat(stuckStarted.await(20, TimeUnit.SECONDS)).isTrue();

    b.close(); // the node dies in the middle of round 1
    stuck.gate.countDown();
    client("fed", "b", new GatedWork(ELEMENTS, 1.0f, 100), "schema-1"); // and comes back

    assertThat(server.federations().awaitTerminal("fed", 60_000)).isTrue();
    List<RoundSummary> rounds = f.rounds();
    assertThat(rounds.get(0).getParticipantsList()).containsExactly("a");
    assertThat(rounds.get(rounds.size() - 1).getParticipantsList()).containsExactly("a", "b");
    assertThat(f.state()).isEqualTo(FederationState.COMPLETED);
  }

  @Test
  void float16UpdatesAreAggregatedLikeFloat32Ones() throws Exception {
    startServer();
    Federation f = server.federations().create(spec("fed", 1, 2, 2).toBuilder()
        .setUpdateEncoding(io.cohort.proto.v1.Encoding.FLOAT16).build());
    float[] initial = f.currentParameters().clone();
    client("fed", "a", new GatedWork(ELEMENTS, 0.5f, 100), "schema-1");
    client("fed", "b", new GatedWork(ELEMENTS, 1.5f, 100), "schema-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.nodes().connected().size() == 2);
    f.start();
    assertThat(server.federations().awaitTerminal("fed", 30_000)).isTrue();
    assertThat(f.rounds().get(0).getOutcome()).isEqualTo(RoundOutcome.SUCCEEDED);
    for (int i = 0; i < ELEMENTS; i++) {
      assertThat(f.currentParameters()[i]).isEqualTo(initial[i] + 1.0f);
    }
  }
}
