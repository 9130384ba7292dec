package io.cohort.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cohort.coordinator.federation.Federation;
import io.cohort.deploy.CohortMain;
import io.cohort.deploy.SimulatedFederation;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator commands against a real coordinator on 127.0.0.1 whose federation "sim" has run
 * two rounds with three simulated nodes.
 */
class OperatorCliTest {

  @TempDir static Path dir;
  static SimulatedFederation sim;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void runTwoRounds() throws Exception {
    sim = new SimulatedFederation(dir, "sim", 2, List.of(
        new SimulatedFederation.Site("alpha", 120, 0, 0),
        new SimulatedFederation.Site("beta", 80, 0, 0),
        new SimulatedFederation.Site("gamma", 200, 0, 3.0)),
        new ProvisionDirectory(dir.resolve("pki")));
    sim.federation().start();
    assertThat(sim.server().federations().awaitTerminal("sim", 60_000)).isTrue();
  }

  @AfterAll
  static void tearDown() {
    sim.close();
  }

  static Result cohort(String... args) {
    CommandLine cli = CohortMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString().trim());
  }

  static Result atSim(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--coordinator";
    all[args.length + 1] = sim.target();
    all[args.length + 2] = "--credentials";
    all[args.length + 3] = operatorBundle();
    return cohort(all);
  }

  static String operatorBundle() {
    return sim.pki().bundle(SimulatedFederation.OPERATOR).toString();
  }

  static void assertRefused(Result r, String expected) {
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("cohort: ").contains(expected).doesNotContain("\n")
        .doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
  }

  Federation created(String id) {
    return sim.server().federations().create(FederationSpec.newBuilder().setFederationId(id)
        .setModel(SimulatedFederation.MODEL).setSchemaFingerprint("other").setRounds(1)
        .setMinNodes(5).setSelectionTimeoutMs(600_000).build());
  }

  @Test
  void statusShowsStateRoundsNodesAndTheLastMetrics() {
    Result r = atSim("status", "--federation", "sim");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("federation sim: COMPLETED, 2 of 2 rounds done")
        .contains("strategy fedavg, model logistic, version " + sim.federation()
            .currentVersion())
        .contains("nodes: 3 known").contains("alpha").contains("gamma")
        .containsPattern("last round 2: loss 0\\.\\d{4}, accuracy 0\\.\\d{4}, auc -, 3"
            + " participants");
  }

  @Test
  void roundsPrintsATableAndJsonThatParses() throws Exception {
    Result table = atSim("rounds", "-f", "sim");
    Result json = atSim("rounds", "-f", "sim", "--json");

    assertThat(table.code()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).startsWith("ROUND  ATTEMPT  OUTCOME").contains("ACCURACY");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(2)).contains("SUCCEEDED").contains(sim.federation().currentVersion());
    JsonNode parsed = new ObjectMapper().readTree(json.out());
    assertThat(parsed.get("rounds")).hasSize(2);
    assertThat(parsed.at("/rounds/1/participants")).hasSize(3);
    assertThat(parsed.at("/rounds/1/epsilon/gamma").asDouble()).isEqualTo(0.3);
  }

  @Test
  void nodesListsEveryNodeWithSamplesDeviceAndPrivacy() {
    Result r = atSim("nodes", "--federation", "sim");

    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).hasSize(4);
    assertThat(r.out().lines().filter(l -> l.startsWith("gamma")).findFirst().orElseThrow())
        .contains("200").contains("cpu").contains("0.300").contains("3.00");
    assertThat(r.out().lines().filter(l -> l.startsWith("alpha")).findFirst().orElseThrow())
        .contains("120").matches(".*\\s-\\s+-");
  }

  @Test
  void federationLifecycleFromTheCliIsAuditedAsOperatorWithThePeer() {
    Federation f = created("lifecycle");

    assertThat(atSim("federation", "start", "lifecycle").out())
        .isEqualTo("federation lifecycle is RUNNING\n");
    assertThat(atSim("federation", "pause", "lifecycle").out()).contains("PAUSED");
    assertThat(atSim("federation", "resume", "lifecycle").out()).contains("RUNNING");
    assertThat(atSim("federation", "stop", "lifecycle").out()).contains("STOPPED");
    assertThat(f.state()).isEqualTo(FederationState.STOPPED);

    Result audit = atSim("audit", "--federation", "lifecycle");
    assertThat(audit.code()).isZero();
    List<String> rows = audit.out().lines().skip(1).toList();
    assertThat(rows).hasSize(4);
    assertThat(rows.get(1)).contains("operator:ops").contains("federation.pause")
        .contains("grpc 127.0.0.1:").contains("allowed").contains("now PAUSED");
  }

  @Test
  void operatorCommandsNeedAnOperatorCertificate() {
    assertRefused(cohort("status", "--coordinator", sim.target()),
        "no credentials: pass --credentials FILE");
    assertRefused(cohort("status", "--coordinator", sim.target(), "--credentials",
        sim.pki().bundle("alpha").toString()),
        "identify node:alpha, but this command needs a certificate of role operator");

    Result plaintext = cohort("status", "--coordinator", sim.target(), "--insecure");
    assertThat(plaintext.code()).isEqualTo(2);
    assertThat(plaintext.err()).contains("WARNING: --insecure")
        .contains("cannot reach the coordinator");
    assertThat(plaintext.out()).isEmpty();
  }

  @Test
  void pausingAStoppedFederationIsOneLineExit2AndChangesNothing() {
    Federation f = created("stopped");
    f.stop();

    Result r = atSim("federation", "pause", "stopped");

    assertRefused(r, "federation stopped is STOPPED: cannot pause it");
    assertThat(f.state()).isEqualTo(FederationState.STOPPED);
    assertThat(atSim("audit", "-f", "stopped").out()).contains("refused")
        .contains("FAILED_PRECONDITION");
  }

  @Test
  void resumingACompletedFederationIsRefused() {
    assertRefused(atSim("federation", "resume", "sim"), "federation sim is COMPLETED");
    assertThat(sim.federation().state()).isEqualTo(FederationState.COMPLETED);
  }

  @Test
  void unknownFederationIdIsOneLineExit2() {
    assertRefused(atSim("federation", "stop", "nope"), "unknown federation 'nope'");
    assertRefused(atSim("rounds", "--federation", "nope"), "unknown federation 'nope'");
    assertRefused(atSim("status", "--federation", "nope"), "unknown federation 'nope'");
  }

  @Test
  void severalFederationsWithoutAChoiceAskForOne() {
    created("another");
    assertRefused(atSim("nodes"), "choose one with --federation");
  }

  @Test
  void unreachableCoordinatorIsOneLineExit2() throws Exception {
    int free;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort();
    }
    assertRefused(cohort("status", "--coordinator", "127.0.0.1:" + free, "--credentials",
        operatorBundle()),
        "cannot reach the coordinator at 127.0.0.1:" + free);
  }

  @Test
  void missingSubcommandOrIdPointsToHelp() {
    Result r = cohort("federation", "pause");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("cohort: ").contains("ID");
  }

  @Test
  void dashboardLoginPrintsAUrlWhoseTokenActsAsTheOperator() throws Exception {
    Federation f = created("dashlogin");
    String dashboard = sim.server().dashboardUrl().orElseThrow();

    Result login = atSim("dashboard-login");
    Result tokenOnly = atSim("dashboard-login", "--token-only");

    assertThat(login.code()).isZero();
    assertThat(login.out().strip()).matches(java.util.regex.Pattern.quote(dashboard)
        + "#token=[A-Za-z0-9_-]{43}");
    assertThat(login.err()).contains("signed in as operator:ops until");
    assertThat(tokenOnly.out().strip()).matches("[A-Za-z0-9_-]{43}");
    String token = login.out().strip().substring(login.out().strip().indexOf("=") + 1);
    java.net.http.HttpResponse<String> started = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(dashboard
            + "api/federations/dashlogin/start")).header("X-Cohort-Action", "1")
            .header("Authorization", "Bearer " + token)
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).isEqualTo(200);
    assertThat(f.state()).isEqualTo(FederationState.RUNNING);
    assertThat(atSim("audit", "-f", "dashlogin").out()).contains("operator:ops")
        .contains("federation.start").contains("http 127.0.0.1:");
  }

  @Test
  void dashboardLoginNeedsAnOperatorCertificateAndAnHttpUrl() {
    assertRefused(cohort("dashboard-login", "--coordinator", sim.target(), "--credentials",
        sim.pki().bundle("alpha").toString()),
        "this command needs a certificate of role operator");
    assertRefused(atSim("dashboard-login", "--dashboard-url", "ftp://x"),
        "--dashboard-url must be an http(s) URL");
  }

  @Test
  void dashboardLoginReplacesAWildcardListenHostWithTheCoordinatorsHost() {
    assertThat(DashboardLoginCommand.reachable("http://0.0.0.0:7401/", "coord.example:7400"))
        .isEqualTo("http://coord.example:7401/");
    assertThat(DashboardLoginCommand.reachable("http://10.0.0.5:7401/", "x:7400"))
        .isEqualTo("http://10.0.0.5:7401/");
  }
}
