package io.cohort.coordinator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.security.TlsSettings;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.coordinator.web.WebServer;
import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.model.identity.TlsChannels;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.AuditOutcome;
import io.cohort.proto.v1.CreateDashboardSessionRequest;
import io.cohort.proto.v1.DashboardSession;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's actions on a coordinator with mutual TLS, over real HTTP and real gRPC on
 * 127.0.0.1: only a token from CreateDashboardSession (operator certificates only) may act, the
 * action is audited as that operator, and every refusal changes nothing and is audited.
 */
class DashboardSessionHttpTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(2).setNumClasses(2).build();

  @TempDir Path dir;
  ProvisionDirectory pki;
  CoordinatorServer server;
  Federation federation;
  final List<ManagedChannel> channels = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp() {
    pki = new ProvisionDirectory(dir.resolve("pki"));
    pki.provision(List.of("127.0.0.1"), List.of("n1"), List.of("alice"), 30);
    start(TlsSettings.DEFAULT_DASHBOARD_SESSION_TTL);
  }

  void start(Duration sessionTtl) {
    if (server != null) {
      server.close();
    }
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0,
        dir.resolve("data"), 500, 2, 0).withTls(TlsSettings.fromBundle(
            pki.bundle("coordinator")).withDashboardSessionTtl(sessionTtl)), List.of()).start();
    federation = server.federations().get("fed").orElseGet(() -> server.federations().create(
        FederationSpec.newBuilder().setFederationId("fed").setModel(MODEL)
            .setSchemaFingerprint("s").setRounds(1).setMinNodes(1).setRoundTimeoutMs(20_000)
            .setEvalTimeoutMs(2_000).build()));
  }

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  DashboardSession login(String id) {
    ManagedChannel c = TlsChannels.mutualTls(server.target(), Credentials.read(pki.bundle(id)))
        .build();
    channels.add(c);
    return OperatorServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
        .createDashboardSession(CreateDashboardSessionRequest.getDefaultInstance());
  }

  HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.dashboardUrl().orElseThrow()
        + path)).timeout(Duration.ofSeconds(10)).header(WebServer.ACTION_HEADER, "1")
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  List<AuditEvent> audit(String action) {
    return server.audit().list("", 1000, 0).stream().filter(e -> e.getAction().equals(action))
        .toList();
  }

  @Test
  void actionWithoutATokenIs401ChangesNothingAndIsAudited() throws Exception {
    HttpResponse<String> r = post("api/federations/fed/start", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).contains("no dashboard token").contains("cohort dashboard-login");
    assertThat(federation.state()).isEqualTo(FederationState.CREATED);
    assertThat(audit("federation.start")).isEmpty();
    AuditEvent refused = audit("http.refused").get(0);
    assertThat(refused.getOutcome()).isEqualTo(AuditOutcome.AUDIT_REFUSED);
    assertThat(refused.getTarget()).isEqualTo("POST /api/federations/fed/start");
    assertThat(refused.getPeer()).startsWith("http 127.0.0.1:");
  }

  @Test
  void unknownTokenIs401AndChangesNothing() throws Exception {
    login("alice");

    HttpResponse<String> r = post("api/federations/fed/start", "not-a-real-token");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("unknown dashboard token");
    assertThat(federation.state()).isEqualTo(FederationState.CREATED);
  }

  @Test
  void tokenFromCreateDashboardSessionActsAsThatOperator() throws Exception {
    DashboardSession session = login("alice");

    HttpResponse<String> r = post("api/federations/fed/start", session.getToken());

    assertThat(session.getActor()).isEqualTo("operator:alice");
    assertThat(session.getDashboardUrl()).isEqualTo(server.dashboardUrl().orElseThrow());
    assertThat(session.getExpiresAtMs()).isGreaterThan(System.currentTimeMillis()
        + Duration.ofHours(11).toMillis());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(federation.state()).isEqualTo(FederationState.RUNNING);
    AuditEvent started = audit("federation.start").get(0);
    assertThat(started.getActor()).isEqualTo("operator:alice");
    assertThat(started.getOutcome()).isEqualTo(AuditOutcome.AUDIT_ALLOWED);
    assertThat(started.getPeer()).startsWith("http 127.0.0.1:");
    AuditEvent opened = audit("dashboard.session").get(0);
    assertThat(opened.getActor()).isEqualTo("operator:alice");
    assertThat(opened.toString()).doesNotContain(session.getToken()); // only its hash is kept
  }

  @Test
  void tokenStopsWorkingWhenTheCoordinatorRestarts() throws Exception {
    String token = login("alice").getToken();
    start(TlsSettings.DEFAULT_DASHBOARD_SESSION_TTL);

    HttpResponse<String> r = post("api/federations/fed/start", token);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(federation.state()).isEqualTo(FederationState.CREATED);
  }

  @Test
  void expiredTokenIsRefused() throws Exception {
    start(Duration.ofMillis(50));
    String token = login("alice").getToken();

    // pause on a CREATED federation changes nothing (409) while the token still works; then 401
    HttpResponse<String> expired = await().atMost(10, TimeUnit.SECONDS)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> post("api/federations/fed/pause", token), r -> r.statusCode() == 401);

    assertThat(expired.body()).contains("dashboard token expired");
    assertThat(federation.state()).isEqualTo(FederationState.CREATED);
    assertThat(audit("http.refused")).isNotEmpty();
  }

  @Test
  void nodeCertificateCannotOpenADashboardSession() {
    assertThatThrownBy(() -> login("n1")).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("operator certificate");
        });
    AuditEvent refused = await().atMost(10, TimeUnit.SECONDS).until(() -> audit("rpc.refused"),
        l -> !l.isEmpty()).get(0);
    assertThat(refused.getActor()).isEqualTo("node:n1");
    assertThat(refused.getTarget()).endsWith("CreateDashboardSession");
    assertThat(audit("dashboard.session")).isEmpty();
  }
}
