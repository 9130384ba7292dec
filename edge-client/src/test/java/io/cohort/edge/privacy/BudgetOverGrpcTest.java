package io.cohort.edge.privacy;

import io.cohort.model.privacy.PrivacyAccountant;
import io.cohort.model.privacy.RdpConversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.edge.data.TabularData;
import io.cohort.edge.session.ClientListener;
import io.cohort.edge.session.EdgeClient;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.NodeStatus;
import io.cohort.proto.v1.RoundSummary;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TrainConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator on 127.0.0.1 and two DP-SGD nodes: the one whose budget allows a single
 * round declines the second with BUDGET_EXHAUSTED, is shown as exhausted, and the federation
 * completes with the other.
 */
class BudgetOverGrpcTest {

  private static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(3).setNumClasses(2).build();
  private static final TrainConfig TRAIN = TrainConfig.newBuilder().setLocalEpochs(1)
      .setBatchSize(32).setOptimizer("sgd").setLearningRate(0.1).build();
  private static final int ROWS = 320; // q = 32 / 320 = 0.1, 10 steps a round

  @TempDir
  Path dir;
  private CoordinatorServer server;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aNodeOutOfBudgetDeclinesIsShownExhaustedAndTheOthersGoOn() throws Exception {
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0,
        dir.resolve("coordinator"), 500, 2), List.of()).start();
    Federation f = server.federations().create(FederationSpec.newBuilder().setFederationId("dp")
        .setModel(MODEL).setSchemaFingerprint("s").setRounds(3).setMinNodes(1).setQuorum(1)
        .setFractionFit(1.0).setRoundTimeoutMs(20_000).setEvalTimeoutMs(20_000)
        .setSelectionTimeoutMs(20_000).setSeed(3).setTrain(TRAIN).build());
    double delta = PrivacyAccountant.defaultDelta(ROWS);
    double oneRound = PrivacyAccountant.epsilon(0.1, 1.0, 10, delta, RdpConversion.BALLE)
        .epsilon();
    double twoRounds = PrivacyAccountant.epsilon(0.1, 1.0, 20, delta, RdpConversion.BALLE)
        .epsilon();
    List<String> declines = new CopyOnWriteArrayList<>();
    DpLocalWork rich = node("rich", 100, declines);
    DpLocalWork poor = node("poor", (oneRound + twoRounds) / 2, declines);
    await().atMost(Duration.ofSeconds(20)).until(() -> f.nodes().connected().size() == 2);

    f.start();

    assertThat(server.federations().awaitTerminal("dp", 120_000)).isTrue();
    assertThat(f.state()).isEqualTo(FederationState.COMPLETED);
    assertThat(declines).containsExactly("poor round 2 BUDGET_EXHAUSTED");
    List<RoundSummary> rounds = f.rounds();
    assertThat(rounds.get(0).getParticipantsList()).containsExactlyInAnyOrder("rich", "poor");
    assertThat(rounds.get(0).getEpsilonMap().get("poor")).isEqualTo(oneRound);
    assertThat(rounds.get(1).getParticipantsList()).containsExactly("rich");
    assertThat(rounds.get(2).getParticipantsList()).containsExactly("rich");
    Node poorNode = f.nodes().snapshot().stream().filter(n -> n.getNodeId().equals("poor"))
        .findFirst().orElseThrow();
    assertThat(poorNode.getStatus()).isEqualTo(NodeStatus.BUDGET_EXHAUSTED);
    assertThat(poorNode.getEpsilonSpent()).isEqualTo(oneRound);
    assertThat(poorNode.getCapabilities().getEpsilonBudget()).isEqualTo((oneRound + twoRounds) / 2);
    assertThat(poor.budget().ledger().read()).hasSize(1);
    assertThat(rich.budget().ledger().read()).hasSize(3);
    assertThat(rich.budget().epsilonSpent()).isEqualTo(PrivacyAccountant.epsilon(0.1, 1.0, 30,
        delta, RdpConversion.BALLE).epsilon());
  }

  private DpLocalWork node(String id, double budget, List<String> declines) {
    TabularData train = DpBenchCommand.synthetic(MODEL, ROWS, id.hashCode());
    TabularData eval = DpBenchCommand.synthetic(MODEL, 50, id.hashCode() + 1);
    PrivacyBudget privacy = new PrivacyBudget(DpSettings.withNoiseMultiplier(1.0, 1.0, null, 0,
        budget), new PrivacyLedger(dir.resolve(id).resolve("privacy-ledger.jsonl")), ROWS);
    DpLocalWork work = new DpLocalWork(DjlRuntime.start(DjlRuntime.Settings.defaults()), train,
        eval, id, privacy);
    EdgeClient client = new EdgeClient(new EdgeClient.Config(server.target(), "dp", id, 100,
        1_000), DatasetSummary.newBuilder().setTrainExamples(ROWS).setEvalExamples(50)
        .setSchemaFingerprint("s").setInputFeatures(3).build(), Capabilities.newBuilder()
        .setDevice("cpu").setDifferentialPrivacy(true).setEpsilonBudget(budget)
        .setDelta(privacy.delta()).build(), work, new ClientListener() {
          @Override
          public void declined(Task task, String code, String message) {
            declines.add(id + " round " + task.getRound() + " " + code);
          }
        });
    closeables.add(work);
    closeables.add(0, client);
    client.start();
    return work;
  }
}
