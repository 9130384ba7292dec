package io.cohort.coordinator.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.model.codec.PayloadEncoder;
import io.cohort.model.codec.EncodedPayload;
import io.cohort.model.codec.PayloadChecksum;
import io.cohort.model.codec.Sha256;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.model.layout.TensorShape;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.ServerMessage;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TaskKind;
import io.cohort.proto.v1.UpdateChunk;
import io.cohort.proto.v1.UpdateData;
import io.cohort.proto.v1.UpdateHeader;
import io.cohort.proto.v1.UpdateTrailer;
import io.cohort.proto.v1.UploadReceipt;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken uploads against a real coordinator: each is refused with a precise status,
 * and the round aggregate only ever holds the one valid update.
 */
class UploadValidationTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(2).setNumClasses(2).build();
  static final ParameterLayout LAYOUT = new ModelArchitecture(MODEL).trainableLayout();

  @TempDir Path dir;
  CoordinatorServer server;
  ManagedChannel channel;
  Federation federation;
  StreamObserver<ClientMessage> session;
  final BlockingQueue<ServerMessage> inbox = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() throws Exception {
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0, dir, 500, 2),
        List.of()).start();
    federation = server.federations().create(FederationSpec.newBuilder()
        .setFederationId("fed").setModel(MODEL).setSchemaFingerprint("s").setRounds(1)
        .setMinNodes(1).setRoundTimeoutMs(20_000).setEvalTimeoutMs(2_000).build());
    channel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();
    session = TestNodeSession.open(channel, "n1", 2, inbox);
    assertThat(next().hasWelcome()).isTrue();
  }

  @AfterEach
  void tearDown() {
    session.onCompleted();
    channel.shutdownNow();
    server.close();
  }

  ServerMessage next() throws InterruptedException {
    ServerMessage m;
    do {
      m = inbox.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("message from coordinator").isNotNull();
    } while (m.hasHeartbeat());
    return m;
  }

  Task trainTask() throws InterruptedException {
    federation.start();
    Task t = next().getTask();
    assertThat(t.getKind()).isEqualTo(TaskKind.TRAIN);
    return t;
  }

  static float[] delta(float v) {
    float[] d = new float[LAYOUT.totalElements()];
    Arrays.fill(d, v);
    return d;
  }

  UploadReceipt upload(Task task, float[] values, UnaryOperator<UpdateHeader.Builder> header,
      UnaryOperator<String> checksum) throws Exception {
    return upload(task, values, header, checksum, Integer.MAX_VALUE);
  }

  /** As above, sending the payload in chunks of {@code chunkBytes}. */
  UploadReceipt upload(Task task, float[] values, UnaryOperator<UpdateHeader.Builder> header,
      UnaryOperator<String> checksum, int chunkBytes) throws Exception {
    return upload(task, values, header, checksum, chunkBytes, t -> t);
  }

  /** As above, with the trailer (its sha256 already set) changed by {@code trailer}. */
  UploadReceipt upload(Task task, float[] values, UnaryOperator<UpdateHeader.Builder> header,
      UnaryOperator<String> checksum, int chunkBytes,
      UnaryOperator<UpdateTrailer.Builder> trailer) throws Exception {
    byte[] payload = PayloadEncoder.encode(values, Encoding.FLOAT32);
    Manifest manifest = LAYOUT.toManifest(Encoding.FLOAT32, null);
    UpdateHeader.Builder h = UpdateHeader.newBuilder().setTaskId(task.getTaskId())
        .setNodeId("n1").setRound(task.getRound()).setBaseVersion(task.getModelVersion())
        .setSampleCount(50).setManifest(manifest).setTrainMetrics(Metrics.getDefaultInstance());
    CompletableFuture<UploadReceipt> result = new CompletableFuture<>();
    StreamObserver<UpdateChunk> out = FederationServiceGrpc.newStub(channel)
        .uploadUpdate(new StreamObserver<>() {
          @Override
          public void onNext(UploadReceipt value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    out.onNext(UpdateChunk.newBuilder().setHeader(header.apply(h)).build());
    for (int off = 0; off < payload.length; off += chunkBytes) {
      out.onNext(UpdateChunk.newBuilder().setData(UpdateData.newBuilder().setOffset(off)
          .setData(ByteString.copyFrom(payload, off, Math.min(chunkBytes, payload.length - off))))
          .build());
    }
    out.onNext(UpdateChunk.newBuilder().setTrailer(trailer.apply(UpdateTrailer.newBuilder()
        .setSha256(checksum.apply(Sha256.of(payload))))).build());
    out.onCompleted();
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static void assertStatus(ThrowingCall call, Status.Code code, String text) {
    assertThatThrownBy(call::run).isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> {
          Status s = ((StatusRuntimeException) e).getStatus();
          assertThat(s.getCode()).isEqualTo(code);
          assertThat(s.getDescription()).contains(text);
        });
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void badUploadsAreRefusedPreciselyAndOnlyTheValidUpdateIsCountedOnce() throws Exception {
    float[] initial = federation.currentParameters().clone();
    Task task = trainTask();
    float[] good = delta(0.5f);

    assertStatus(() -> upload(task, good, h -> h.setTaskId("nope"), s -> s),
        Status.Code.NOT_FOUND, "unknown task 'nope'");
    assertStatus(() -> upload(task, good, h -> h.setNodeId("intruder"), s -> s),
        Status.Code.PERMISSION_DENIED, "not assigned to node 'intruder'");
    assertStatus(() -> upload(task, good, h -> h.setRound(task.getRound() - 1), s -> s),
        Status.Code.FAILED_PRECONDITION, "stale round");
    assertStatus(() -> upload(task, good, h -> h.setBaseVersion("0000000000000000"), s -> s),
        Status.Code.FAILED_PRECONDITION, "trained from version");
    assertStatus(() -> upload(task, good, h -> h.setManifest(new ParameterLayout(List.of(
            new TensorShape("layer0.weight", new long[] {2, 3}),
            new TensorShape("layer0.bias", new long[] {2}))).toManifest(Encoding.FLOAT32, null)),
            s -> s),
        Status.Code.INVALID_ARGUMENT, "do not match the model's trainable tensors");
    float[] nan = delta(0.5f);
    nan[3] = Float.NaN;
    assertStatus(() -> upload(task, nan, h -> h, s -> s), Status.Code.INVALID_ARGUMENT,
        "non-finite value NaN at element 3");
    assertStatus(() -> upload(task, good, h -> h, s -> "ab" + s.substring(2)),
        Status.Code.DATA_LOSS, "checksum mismatch");
    assertStatus(() -> upload(task, good, h -> h.setSampleCount(0), s -> s),
        Status.Code.INVALID_ARGUMENT, "sample_count must be positive");

    UploadReceipt first = upload(task, good, h -> h, s -> s);
    assertThat(first.getDuplicate()).isFalse();
    UploadReceipt retry = upload(task, good, h -> h, s -> s);
    assertThat(retry.getDuplicate()).isTrue();
    assertStatus(() -> upload(task, delta(9f), h -> h, s -> s), Status.Code.FAILED_PRECONDITION,
        "already has an accepted update with a different checksum");

    answerEvaluationAndAwaitEnd(); // so the round closes quickly
    assertThat(federation.rounds().get(0).getOutcome()).isEqualTo(RoundOutcome.SUCCEEDED);
    float[] after = federation.currentParameters();
    for (int i = 0; i < after.length; i++) {
      assertThat(after[i]).isCloseTo(initial[i] + 0.5f, Offset.offset(1e-6f));
    }
  }

  @Test
  void crc32cUploadsAreVerifiedWithTheHeadersCrc32c() throws Exception {
    float[] initial = federation.currentParameters().clone();
    Task task = trainTask();
    float[] good = delta(0.25f);
    int crc = EncodedPayload.of(good, Encoding.FLOAT32).crc32c();
    UnaryOperator<UpdateHeader.Builder> declaring = h -> h.setManifest(
        h.getManifest().toBuilder().setCrc32C(crc));

    assertStatus(() -> upload(task, good, h -> h.setManifest(h.getManifest().toBuilder()
            .setCrc32C(crc ^ 1)), s -> s), Status.Code.DATA_LOSS,
        "checksum mismatch: payload has crc32c " + PayloadChecksum.crc32cHex(crc));
    assertStatus(() -> upload(task, good, declaring, s -> s, Integer.MAX_VALUE,
            t -> t.setCrc32C(crc + 1)), Status.Code.INVALID_ARGUMENT,
        "trailer crc32c " + PayloadChecksum.crc32cHex(crc + 1) + " differs from the header's");

    // The trailer's sha256 is ignored in CRC-32C mode: only the declared CRC-32C counts.
    UploadReceipt accepted = upload(task, good, declaring, s -> "00" + s.substring(2),
        Integer.MAX_VALUE, t -> t.setCrc32C(crc));
    assertThat(accepted.getDuplicate()).isFalse();
    assertThat(upload(task, good, declaring, s -> s).getDuplicate()).isTrue();

    answerEvaluationAndAwaitEnd();
    float[] after = federation.currentParameters();
    for (int i = 0; i < after.length; i++) {
      assertThat(after[i]).isCloseTo(initial[i] + 0.25f, Offset.offset(1e-6f));
    }
  }

  @Test
  void uploadAfterTheRoundClosedIsRefusedAsExpired() throws Exception {
    Task task = trainTask();
    server.federations().stop(federation);
    assertStatus(() -> upload(task, delta(1f), h -> h, s -> s), Status.Code.FAILED_PRECONDITION,
        "is closed");
    assertThat(federation.rounds()).isEmpty();
  }

  void answerEvaluationAndAwaitEnd() throws Exception {
    Task eval = next().getTask();
    assertThat(eval.getKind()).isEqualTo(TaskKind.EVALUATE);
    session.onNext(ClientMessage.newBuilder().setEvaluation(EvaluationResult.newBuilder()
        .setTaskId(eval.getTaskId()).setMetrics(Metrics.newBuilder().setExamples(1))
        .setCorrect(1).setLossSum(0.1)).build());
    assertThat(server.federations().awaitTerminal("fed", 20_000)).isTrue();
  }

  @Test
  void aNodeThatDeclinesIsNoLongerTrainingOnceThePhaseEnds() throws Exception {
    Task task = trainTask();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
        federation.nodes().get("n1").orElseThrow().status()
            == io.cohort.proto.v1.NodeStatus.TRAINING);
    federation.pause(); // the round finishes, no retry follows it
    session.onNext(ClientMessage.newBuilder().setTaskResponse(
        io.cohort.proto.v1.TaskResponse.newBuilder().setTaskId(task.getTaskId())
            .setAccepted(false).setDeclineCode("BUSY").setDeclineMessage("maintenance")).build());

    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> !federation.rounds().isEmpty());
    assertThat(federation.rounds().get(0).getOutcome())
        .isEqualTo(io.cohort.proto.v1.RoundOutcome.QUORUM_MISSED);
    assertThat(federation.nodes().get("n1").orElseThrow().status())
        .isEqualTo(io.cohort.proto.v1.NodeStatus.CONNECTED);
  }

  @Test
  void anInconsistentEvaluationReportFailsItsTaskButNotTheFederation() throws Exception {
    Task task = trainTask();
    assertThat(upload(task, delta(0.5f), h -> h, s -> s).getDuplicate()).isFalse();
    Task eval = next().getTask();
    assertThat(eval.getKind()).isEqualTo(TaskKind.EVALUATE);
    // 3 bins where the coordinator counts 100: the union AUC could not be formed with it.
    session.onNext(ClientMessage.newBuilder().setEvaluation(EvaluationResult.newBuilder()
        .setTaskId(eval.getTaskId()).setMetrics(Metrics.newBuilder().setExamples(2))
        .setCorrect(1).setLossSum(0.2).addAllPositiveScoreHistogram(List.of(0L, 1L, 0L))
        .addAllNegativeScoreHistogram(List.of(1L, 0L, 0L))).build());

    assertThat(server.federations().awaitTerminal("fed", 20_000)).isTrue();
    assertThat(federation.state()).isEqualTo(io.cohort.proto.v1.FederationState.COMPLETED);
    assertThat(federation.rounds()).singleElement()
        .satisfies(r -> assertThat(r.getGlobal().getExamples()).isZero());
    assertThat(server.audit().list("fed", 100, 0)).anySatisfy(e -> {
      assertThat(e.getAction()).isEqualTo("evaluation.rejected");
      assertThat(e.getActor()).isEqualTo("node:n1");
      assertThat(e.getTarget()).isEqualTo(eval.getTaskId());
      assertThat(e.getDetail()).contains("score histograms must have 100 bins each");
    });
  }

  @Test
  void replayOfACountedUpdateAfterItsRoundFinishedIsRefusedAndModelUnchanged() throws Exception {
    Task task = trainTask();
    assertThat(upload(task, delta(0.5f), h -> h, s -> s).getDuplicate()).isFalse();
    answerEvaluationAndAwaitEnd();
    float[] after = federation.currentParameters().clone();

    assertStatus(() -> upload(task, delta(0.5f), h -> h, s -> s),
        Status.Code.FAILED_PRECONDITION, "replay refused: task " + task.getTaskId());
    assertThat(federation.currentParameters()).containsExactly(after);
    assertThat(federation.rounds()).hasSize(1);
  }

  @Test
  void overLongIdsAreRefusedNamingTheFieldAndLimit() throws Exception {
    Task task = trainTask();
    String huge = "x".repeat(10_000);

    assertStatus(() -> upload(task, delta(0.5f), h -> h.setTaskId(huge), s -> s),
        Status.Code.INVALID_ARGUMENT, "task_id has 10000 characters, more than the limit of 128");
    assertStatus(() -> upload(task, delta(0.5f), h -> h.setBaseVersion(huge), s -> s),
        Status.Code.INVALID_ARGUMENT, "base_version has 10000 characters");
    assertStatus(() -> FederationServiceGrpc.newBlockingStub(channel).downloadModel(
            io.cohort.proto.v1.DownloadModelRequest.newBuilder().setTaskId(task.getTaskId())
                .setNodeId(huge).setModelVersion(task.getModelVersion()).build()).next(),
        Status.Code.INVALID_ARGUMENT, "node_id has 10000 characters");
  }

  @Test
  void tinyOrEmptyChunksBeforeTheLastAreRefused() throws Exception {
    Task task = trainTask();

    assertStatus(() -> upload(task, delta(0.5f), h -> h, s -> s, 8),
        Status.Code.INVALID_ARGUMENT, "data chunk of 8 bytes at offset 0 is below the minimum");
    // The same update in one chunk is fine: only non-final chunks have a minimum.
    assertThat(upload(task, delta(0.5f), h -> h, s -> s).getDuplicate()).isFalse();
  }

  @Test
  void repeatedContentRefusalsMarkTheNodeSuspectButStrangersCannot() throws Exception {
    Task task = trainTask();
    float[] nan = delta(0.5f);
    nan[0] = Float.NaN;
    for (int i = 0; i < 5; i++) { // a stranger naming another node: not counted against n1
      assertStatus(() -> upload(task, nan, h -> h.setNodeId("intruder"), s -> s),
          Status.Code.PERMISSION_DENIED, "not assigned");
    }
    assertThat(federation.nodes().get("n1").orElseThrow().toProto().getSuspect()).isFalse();

    for (int i = 0; i < 3; i++) {
      assertStatus(() -> upload(task, nan, h -> h, s -> s), Status.Code.INVALID_ARGUMENT,
          "non-finite");
    }

    io.cohort.proto.v1.Node node = federation.nodes().get("n1").orElseThrow().toProto();
    assertThat(node.getRejectedUploads()).isEqualTo(3);
    assertThat(node.getSuspect()).isTrue();
    assertThat(node.getLastFlagReason()).contains("non-finite value NaN at element 0");
  }

  @Test
  void messagesOverTheInboundLimitAreRefusedWithoutTouchingTheRound() throws Exception {
    Task task = trainTask();
    float[] huge = new float[CoordinatorServer.MAX_INBOUND_MESSAGE_BYTES / Float.BYTES + 1024];

    assertStatus(() -> upload(task, huge, h -> h, s -> s), Status.Code.RESOURCE_EXHAUSTED, "");
    assertThat(upload(task, delta(0.5f), h -> h, s -> s).getDuplicate()).isFalse();
  }
}
