package io.cohort.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.Hello;
import io.cohort.proto.v1.ListFederationsRequest;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.cohort.proto.v1.UpdateChunk;
import io.cohort.proto.v1.UpdateHeader;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's HTTP port, served by a real coordinator on 127.0.0.1. */
class WebServerTest {

  @TempDir Path dir;
  CoordinatorServer server;
  ManagedChannel channel;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp() {
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0, dir, 500, 2, 0),
        List.of()).start();
    server.federations().create(FederationSpec.newBuilder().setFederationId("fed")
        .setModel(ModelSpec.newBuilder().setArchitecture("logistic").setInputFeatures(2)
            .setNumClasses(2)).setSchemaFingerprint("s").setRounds(3).setMinNodes(1)
        .setSelectionTimeoutMs(600_000).build());
    channel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.dashboardUrl().orElseThrow()
        + path.substring(1))).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, boolean withActionHeader) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.dashboardUrl().orElseThrow()
        + path.substring(1))).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (withActionHeader) {
      b.header(WebServer.ACTION_HEADER, "1");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndReadinessAnswerWhileServing() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").body()).isEqualTo("ready\n");
  }

  @Test
  void metricsCountGrpcTrafficByMethod() throws Exception {
    OperatorServiceGrpc.newBlockingStub(channel)
        .listFederations(ListFederationsRequest.getDefaultInstance());

    HttpResponse<String> r = get("/metrics");

    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(r.body()).containsPattern(
        "cohort_grpc_sent_bytes_total\\{method=\"OperatorService/ListFederations\"} [1-9]")
        .contains("cohort_federations{state=\"created\"} 1.0")
        .contains("cohort_nodes_active{federation=\"fed\"} 0.0");
  }

  @Test
  void dashboardFilesAreServedWithTheirTypesAndNothingElse() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(index.body()).contains("Operator dashboard");
    assertThat(get("/app.js").headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/javascript");
    assertThat(get("/vendor/chart.umd.min.js").body()).contains("Chart.js v4");
    assertThat(get("/../pom.xml").statusCode()).isEqualTo(404);
    assertThat(get("/nope.html").statusCode()).isEqualTo(404);
  }

  @Test
  void actionsNeedTheActionHeaderSoOtherSitesCannotForgeThem() throws Exception {
    HttpResponse<String> forged = post("/api/federations/fed/start", false);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(server.federations().get("fed").orElseThrow().state().name())
        .isEqualTo("CREATED");

    HttpResponse<String> real = post("/api/federations/fed/start", true);
    assertThat(real.statusCode()).isEqualTo(200);
    assertThat(real.body()).contains("\"state\":\"RUNNING\"");
    assertThat(get("/api/audit").body()).contains("\"peer\":\"http 127.0.0.1:");
  }

  @Test
  void eventStreamSendsHelloThenChangesAsTheyHappen() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = http.sendAsync(
        HttpRequest.newBuilder(URI.create(server.dashboardUrl().orElseThrow() + "api/events"))
            .build(), HttpResponse.BodyHandlers.ofLines());
    stream.thenAccept(r -> r.body().forEach(lines::add));
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: hello"));

    post("/api/federations/fed/start", true);

    await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l ->
        l.startsWith("data: {\"id\":\"fed\",\"state\":\"RUNNING\"")));
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l ->
        l.startsWith("data: {\"sequence\":1,") && l.contains("\"action\":\"federation.start\"")));
    stream.cancel(true);
  }

  /** A response observer that completes {@code end} with the call's error (null if none). */
  static <T> StreamObserver<T> endingInto(CompletableFuture<Throwable> end) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {}

      @Override
      public void onError(Throwable t) {
        end.complete(t);
      }

      @Override
      public void onCompleted() {
        end.complete(null);
      }
    };
  }

  @Test
  void refusedSessionsAndRejectedUploadsAreAuditedWithThePeerAndCounted() throws Exception {
    CompletableFuture<Throwable> sessionEnd = new CompletableFuture<>();
    StreamObserver<ClientMessage> session = FederationServiceGrpc.newStub(channel)
        .session(endingInto(sessionEnd));
    session.onNext(ClientMessage.newBuilder().setHello(Hello.newBuilder()
        .setFederationId("ghost").setNodeId("mallory")).build());
    assertThat(sessionEnd.get(10, TimeUnit.SECONDS)).hasMessageContaining("NOT_FOUND");

    CompletableFuture<Throwable> uploadEnd = new CompletableFuture<>();
    StreamObserver<UpdateChunk> upload = FederationServiceGrpc.newStub(channel)
        .uploadUpdate(endingInto(uploadEnd));
    upload.onNext(UpdateChunk.newBuilder().setHeader(UpdateHeader.newBuilder()
        .setTaskId("forged-task").setNodeId("mallory")).build());
    assertThat(uploadEnd.get(10, TimeUnit.SECONDS)).hasMessageContaining("NOT_FOUND");

    String audit = get("/api/audit").body();
    assertThat(audit).contains("\"actor\":\"node:mallory\",\"action\":\"session.refused\"")
        .contains("\"action\":\"upload.rejected\"").contains("\"target\":\"forged-task\"")
        .contains("\"peer\":\"grpc 127.0.0.1:").contains("unknown federation 'ghost'");
    assertThat(get("/metrics").body())
        .contains("cohort_sessions_refused_total{federation=\"unknown\",reason=\"not_found\"} 1.0")
        .contains("cohort_updates_rejected_total{federation=\"unknown\",reason=\"not_found\"} 1.0");
  }
}
