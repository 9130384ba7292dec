package io.cohort.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.model.identity.CertificateAuthority;
import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.Identity;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.model.identity.Role;
import io.cohort.model.identity.TlsChannels;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.AuditOutcome;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.DownloadModelRequest;
import io.cohort.proto.v1.FederationRef;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.Hello;
import io.cohort.proto.v1.ListFederationsRequest;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.cohort.proto.v1.ServerMessage;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.UpdateChunk;
import io.cohort.proto.v1.UpdateHeader;
import io.cohort.proto.v1.UploadReceipt;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS with real certificates over real gRPC on 127.0.0.1: who may call what, and every
 * refusal has its status and its line in the audit log.
 */
class MutualTlsTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(2).setNumClasses(2).build();

  @TempDir Path dir;
  ProvisionDirectory pki;
  CoordinatorServer server;
  Federation federation;
  final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void setUp() {
    pki = new ProvisionDirectory(dir.resolve("pki"));
    pki.provision(List.of("127.0.0.1"), List.of("n1", "n2", "gone"), List.of("alice", "bob"),
        30);
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0,
        dir.resolve("data"), 500, 2).withTls(TlsSettings.fromBundle(pki.bundle("coordinator"))),
        List.of()).start();
    federation = server.federations().create(FederationSpec.newBuilder()
        .setFederationId("fed").setModel(MODEL).setSchemaFingerprint("s").setRounds(1)
        .setMinNodes(1).setRoundTimeoutMs(20_000).setEvalTimeoutMs(2_000).build());
  }

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  ManagedChannel channelAs(String id) {
    return open(TlsChannels.mutualTls(server.target(), Credentials.read(pki.bundle(id))));
  }

  ManagedChannel open(NettyChannelBuilder builder) {
    ManagedChannel c = builder.build();
    channels.add(c);
    return c;
  }

  OperatorServiceGrpc.OperatorServiceBlockingStub operator(ManagedChannel c) {
    return OperatorServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  AuditEvent refusal(String action) {
    return await().atMost(10, TimeUnit.SECONDS).until(() -> server.audit().list("", 1000, 0)
        .stream().filter(e -> e.getOutcome() == AuditOutcome.AUDIT_REFUSED
            && e.getAction().equals(action)).reduce((a, b) -> b), java.util.Optional::isPresent)
        .orElseThrow();
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call was not refused");
  }

  @Test
  void operatorCertificateActsAsThatOperatorInTheAuditLog() {
    ManagedChannel alice = channelAs("alice");

    assertThat(operator(alice).listFederations(ListFederationsRequest.getDefaultInstance())
        .getFederationsCount()).isEqualTo(1);
    operator(alice).startFederation(FederationRef.newBuilder().setFederationId("fed").build());

    AuditEvent started = server.audit().list("fed", 10, 0).stream()
        .filter(e -> e.getAction().equals("federation.start")).findFirst().orElseThrow();
    assertThat(started.getActor()).isEqualTo("operator:alice");
    assertThat(started.getPeer()).startsWith("grpc 127.0.0.1:");
  }

  @Test
  void callerWithoutACertificateIsUnauthenticatedButMayCheckHealth() {
    ManagedChannel anonymous = open(TlsChannels.serverTls(server.target(),
        pki.caCertificate()));

    assertThat(HealthGrpc.newBlockingStub(anonymous).check(HealthCheckRequest
        .getDefaultInstance()).getStatus().name()).isEqualTo("SERVING");
    assertThat(code(() -> operator(anonymous).listFederations(
        ListFederationsRequest.getDefaultInstance()))).isEqualTo(Status.Code.UNAUTHENTICATED);

    AuditEvent e = refusal("rpc.refused");
    assertThat(e.getActor()).isEqualTo("anonymous");
    assertThat(e.getTarget()).isEqualTo("cohort.v1.OperatorService/ListFederations");
    assertThat(e.getPeer()).startsWith("grpc 127.0.0.1:");
    assertThat(e.getDetail()).contains("UNAUTHENTICATED", "--credentials");
  }

  @Test
  void certificateFromAnotherCaFailsTheHandshake() {
    CertificateAuthority rogue = CertificateAuthority.create("rogue", 30);
    Credentials forged = rogue.issue(new Identity("alice", Role.OPERATOR), List.of(), 30);
    // Trusts the real coordinator, presents a look-alike certificate from its own CA.
    ManagedChannel c = open(TlsChannels.mutualTls(server.target(), new Credentials(
        forged.certificate(), forged.key(), pki.caCertificate())));

    assertThat(code(() -> operator(c).listFederations(
        ListFederationsRequest.getDefaultInstance()))).isEqualTo(Status.Code.UNAVAILABLE);

    AuditEvent e = refusal("tls.handshake");
    assertThat(e.getActor()).isEqualTo("cert:CN=alice,OU=operator,O=Cohort");
    assertThat(e.getDetail()).contains("not issued by this federation's CA");
    assertThat(server.audit().list("", 1000, 0)).noneMatch(a -> a.getOutcome()
        == AuditOutcome.AUDIT_ALLOWED);
  }

  @Test
  void revokedCertificateFailsTheHandshake() {
    pki.revoke("gone");
    ManagedChannel c = channelAs("gone");

    assertThat(code(() -> FederationServiceGrpc.newBlockingStub(c)
        .withDeadlineAfter(10, TimeUnit.SECONDS).downloadModel(DownloadModelRequest.newBuilder()
            .setNodeId("gone").setTaskId("t").build()).hasNext()))
        .isEqualTo(Status.Code.UNAVAILABLE);

    AuditEvent e = refusal("tls.handshake");
    assertThat(e.getActor()).contains("CN=gone");
    assertThat(e.getDetail()).contains("is revoked");
  }

  @Test
  void revocationEndsAccessOnAnAlreadyOpenConnection() {
    ManagedChannel bob = channelAs("bob");
    assertThat(operator(bob).listFederations(ListFederationsRequest.getDefaultInstance())
        .getFederationsCount()).isEqualTo(1);

    pki.revoke("bob");

    assertThat(code(() -> operator(bob).listFederations(
        ListFederationsRequest.getDefaultInstance()))).isEqualTo(Status.Code.UNAUTHENTICATED);
    AuditEvent e = refusal("rpc.refused");
    assertThat(e.getActor()).isEqualTo("operator:bob");
    assertThat(e.getDetail()).contains("revoked");
  }

  @Test
  void nodeCertificateCannotCallOperatorRpcs() {
    ManagedChannel n1 = channelAs("n1");

    assertThat(code(() -> operator(n1).stopFederation(FederationRef.newBuilder()
        .setFederationId("fed").build()))).isEqualTo(Status.Code.PERMISSION_DENIED);

    AuditEvent e = refusal("rpc.refused");
    assertThat(e.getActor()).isEqualTo("node:n1");
    assertThat(e.getTarget()).isEqualTo("cohort.v1.OperatorService/StopFederation");
    assertThat(federation.state().name()).isNotEqualTo("STOPPED");
  }

  @Test
  void operatorCertificateCannotOpenANodeSession() throws Exception {
    Session s = Session.open(channelAs("alice"), "alice");

    assertThat(s.error().get(10, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refusal("rpc.refused").getActor()).isEqualTo("operator:alice");
  }

  @Test
  void nodeCannotOpenASessionAsAnotherNode() throws Exception {
    Session s = Session.open(channelAs("n1"), "n2");

    Status status = s.error().get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("hello.node_id 'n2'", "node:n1");
    AuditEvent e = refusal("rpc.refused");
    assertThat(e.getActor()).isEqualTo("node:n1");
    assertThat(e.getFederationId()).isEqualTo("fed");
    assertThat(federation.nodes().snapshot()).isEmpty();
  }

  @Test
  void nodeCannotFetchOrSubmitForAnotherNodesTask() throws Exception {
    Session n1 = Session.open(channelAs("n1"), "n1");
    assertThat(n1.next().hasWelcome()).isTrue();
    federation.start();
    Task task = n1.next().getTask();
    ManagedChannel n2 = channelAs("n2");

    // Claiming to be n1 is refused by the certificate check...
    assertThat(code(() -> FederationServiceGrpc.newBlockingStub(n2).downloadModel(
        DownloadModelRequest.newBuilder().setNodeId("n1").setTaskId(task.getTaskId())
            .setModelVersion(task.getModelVersion()).build()).hasNext()))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(upload(n2, task, "n1").getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    // ...and naming itself, the task is not its own.
    Status own = upload(n2, task, "n2");
    assertThat(own.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(own.getDescription()).contains("not assigned to node 'n2'");

    assertThat(server.audit().list("", 1000, 0)).filteredOn(
        e -> e.getOutcome() == AuditOutcome.AUDIT_REFUSED && e.getActor().equals("node:n2"))
        .extracting(AuditEvent::getAction)
        .containsExactly("rpc.refused", "rpc.refused", "upload.rejected");
  }

  Status upload(ManagedChannel c, Task task, String claimedNode) throws Exception {
    CompletableFuture<Status> result = new CompletableFuture<>();
    StreamObserver<UpdateChunk> out = FederationServiceGrpc.newStub(c)
        .uploadUpdate(new StreamObserver<>() {
          @Override
          public void onNext(UploadReceipt value) {
            result.complete(Status.OK);
          }

          @Override
          public void onError(Throwable t) {
            result.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
          }
        });
    out.onNext(UpdateChunk.newBuilder().setHeader(UpdateHeader.newBuilder()
        .setTaskId(task.getTaskId()).setNodeId(claimedNode).setRound(task.getRound())
        .setBaseVersion(task.getModelVersion()).setSampleCount(10)).build());
    Status s = result.get(10, TimeUnit.SECONDS);
    out.onCompleted();
    return s;
  }

  /** A node's session stream: what it receives and how it ends. */
  record Session(BlockingQueue<ServerMessage> inbox, CompletableFuture<Status> error) {

    static Session open(ManagedChannel c, String nodeId) {
      Session s = new Session(new LinkedBlockingQueue<>(), new CompletableFuture<>());
      StreamObserver<ClientMessage> out = FederationServiceGrpc.newStub(c)
          .session(new StreamObserver<>() {
            @Override
            public void onNext(ServerMessage value) {
              s.inbox.add(value);
            }

            @Override
            public void onError(Throwable t) {
              s.error.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
            }
          });
      out.onNext(ClientMessage.newBuilder().setHello(Hello.newBuilder().setFederationId("fed")
          .setNodeId(nodeId).setDataset(DatasetSummary.newBuilder().setTrainExamples(50)
              .setSchemaFingerprint("s").setInputFeatures(2))).build());
      return s;
    }

    ServerMessage next() throws InterruptedException {
      ServerMessage m;
      do {
        m = inbox.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("message from coordinator").isNotNull();
      } while (m.hasHeartbeat());
      return m;
    }
  }
}
