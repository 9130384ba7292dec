package io.cohort.edge.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.FederationRef;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.GetModelVersionRequest;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 of a real coordinator process in the middle of a round: the restarted coordinator
 * resumes from the last completed round, clients reconnect by themselves, and no update is
 * counted twice (the final model equals the closed-form result of exactly three rounds).
 */
class CoordinatorCrashTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(4).setNumClasses(2).build();
  static final int ELEMENTS = new ModelArchitecture(MODEL).layout().totalElements();

  @TempDir Path dir;
  Process coordinator;
  final List<EdgeClient> clients = new ArrayList<>();
  ManagedChannel channel;

  @AfterEach
  void tearDown() {
    clients.forEach(EdgeClient::close);
    if (channel != null) {
      channel.shutdownNow();
    }
    if (coordinator != null) {
      coordinator.destroyForcibly();
    }
  }

  Process startCoordinator(int port, String specJson) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), CoordinatorProcess.class.getName(),
        Integer.toString(port), dir.resolve("data").toString(), specJson));
    Path log = dir.resolve("coordinator-" + System.nanoTime() + ".log");
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void killedMidRoundCoordinatorResumesFromLastCompletedRoundWithoutDoubleCounting()
      throws Exception {
    int port = freePort();
    String spec = JsonFormat.printer().print(FederationSpec.newBuilder().setFederationId("crash")
        .setModel(MODEL).setSchemaFingerprint("s").setRounds(3).setMinNodes(2).setQuorum(2)
        .setRoundTimeoutMs(30_000).setEvalTimeoutMs(10_000).setSeed(3).build())
        .replace("\n", " ");
    coordinator = startCoordinator(port, spec);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    OperatorServiceGrpc.OperatorServiceBlockingStub operator =
        OperatorServiceGrpc.newBlockingStub(channel);
    FederationRef ref = FederationRef.newBuilder().setFederationId("crash").build();

    CountDownLatch hold = new CountDownLatch(1);
    GatedWork a = new GatedWork(ELEMENTS, 1.0f, 100);
    GatedWork b = new GatedWork(ELEMENTS, 3.0f, 100);
    for (GatedWork w : List.of(a, b)) {
      w.gateFromRound = 2;
      w.gate = hold;
    }
    CountDownLatch roundTwoStarted = new CountDownLatch(2);
    for (GatedWork w : List.of(a, b)) {
      clients.add(new EdgeClient(new EdgeClient.Config("127.0.0.1:" + port, "crash",
          w == a ? "a" : "b", 100, 1_000), DatasetSummary.newBuilder().setTrainExamples(100)
          .setSchemaFingerprint("s").setInputFeatures(4).build(),
          Capabilities.getDefaultInstance(), w, new ClientListener() {
            @Override
            public void trainingStarted(io.cohort.proto.v1.Task task) {
              if (task.getRound() == 2) {
                roundTwoStarted.countDown();
              }
            }
          }).start());
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> roundTwoStarted.getCount() == 0);
    String initialVersion = operator.listRounds(ref).getRounds(0).getModelVersion();
    assertThat(operator.getFederation(ref).getCompletedRounds()).isEqualTo(1);

    coordinator.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL mid-round
    hold.countDown(); // the uploads of round 2 now fail: the coordinator is gone

    coordinator = startCoordinator(port, spec);
    await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() ->
        operator.getFederation(ref).getState() == FederationState.COMPLETED);

    List<RoundSummary> rounds = operator.listRounds(ref).getRoundsList();
    assertThat(rounds).extracting(RoundSummary::getRound).containsExactly(1, 2, 3);
    assertThat(rounds).extracting(RoundSummary::getOutcome).containsOnly(RoundOutcome.SUCCEEDED);
    // Each round adds the sample-weighted mean delta (1 + 3) / 2 = 2 exactly once.
    var finalVersion = operator.getModelVersion(GetModelVersionRequest.newBuilder()
        .setFederationId("crash").setModelVersion(rounds.get(2).getModelVersion()).build());
    assertThat(finalVersion.getParentsList()).containsExactly(rounds.get(1).getModelVersion());
    float[] first = readParams(rounds.get(0).getModelVersion());
    float[] last = readParams(rounds.get(2).getModelVersion());
    for (int i = 0; i < ELEMENTS; i++) {
      assertThat(last[i] - first[i]).isCloseTo(4.0f, org.assertj.core.data.Offset.offset(1e-5f));
    }
    assertThat(initialVersion).isEqualTo(rounds.get(0).getModelVersion());
  }

  float[] readParams(String version) throws IOException {
    return io.cohort.model.codec.PayloadEncoder.decode(
        Files.readAllBytes(dir.resolve("data/models/" + version + ".bin")),
        io.cohort.proto.v1.Encoding.FLOAT32);
  }
}
