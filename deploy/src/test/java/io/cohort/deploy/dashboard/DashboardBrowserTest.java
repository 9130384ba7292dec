package io.cohort.deploy.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cohort.coordinator.federation.Federation;
import io.cohort.deploy.CohortMain;
import io.cohort.deploy.SimulatedFederation;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.proto.v1.FederationState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The dashboard in a real browser: headless Chromium (Debian's chromium and chromium-driver,
 * installed by .ci/run) against a live coordinator running a small simulated federation.
 * Skipped when the browser is not installed. Saves target/dashboard-e2e/dashboard.png.
 */
class DashboardBrowserTest {

  static final Path SCREENSHOTS = Path.of("target", "dashboard-e2e");
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  SimulatedFederation sim;
  WebDriverSession browser;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(WebDriverSession.available(), "chromium and chromedriver are not installed"
        + " (apt-get install chromium chromium-driver)");
    sim = new SimulatedFederation(dir.resolve("coordinator"), "heart", 200, List.of(
        new SimulatedFederation.Site("cleveland", 303, 500, 8.0),
        new SimulatedFederation.Site("hungary", 294, 900, 8.0),
        new SimulatedFederation.Site("switzerland", 123, 1_300, 0),
        new SimulatedFederation.Site("va-long-beach", 200, 1_700, 0)),
        new ProvisionDirectory(dir.resolve("pki"))); // mutual TLS: actions need a session
    browser = new WebDriverSession(dir.resolve("chromium-profile"),
        SCREENSHOTS.resolve("chromedriver.log"), 1440, 2300);
  }

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  int rows(String table) throws Exception {
    return browser.count("#" + table + " tbody tr");
  }

  /** Whether an element is rendered (not hidden by attribute or style). */
  boolean visible(String css) throws Exception {
    return browser.script("const e = document.querySelector('" + css + "');"
        + " return !!e && e.getClientRects().length > 0;").asBoolean();
  }

  /** The URL {@code cohort dashboard-login} prints for the simulation's operator. */
  String dashboardLogin() {
    CommandLine cli = CohortMain.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("dashboard-login", "--coordinator", sim.target(), "--credentials",
        sim.pki().bundle(SimulatedFederation.OPERATOR).toString())).isZero();
    return out.toString().strip();
  }

  @Test
  void roundsAndNodesAppearAndUpdateLiveAndPauseAndResumeWork() throws Exception {
    Federation federation = sim.federation();
    String dashboard = sim.server().dashboardUrl().orElseThrow();

    // Without a session the page shows everything but an action is refused, and says why.
    browser.open(dashboard);
    await().atMost(WAIT).until(() -> "Live".equals(browser.text("#conn-text"))
        && "created".equals(browser.text("#fed-state")));
    browser.click("#action-start");
    browser.click("#confirm-ok");
    await().atMost(WAIT).until(() -> visible("#notice"));
    assertThat(browser.text("#notice")).contains("sign in with `cohort dashboard-login`");
    assertThat(federation.state()).isEqualTo(FederationState.CREATED);

    // The login URL carries the token in its fragment; the page keeps it and clears the bar.
    String login = dashboardLogin();
    assertThat(login).startsWith(dashboard + "#token=");
    browser.open(login);
    await().atMost(WAIT).until(() -> browser.script("return location.hash;").asText().isEmpty());
    assertThat(browser.script("return location.href;").asText()).isEqualTo(dashboard);

    // Before the start: the federation and its four connected nodes, no rounds yet.
    await().atMost(WAIT).until(() -> "Live".equals(browser.text("#conn-text")));
    await().atMost(WAIT).until(() -> rows("nodes-table") == 4);
    assertThat(visible("#conn-banner")).isFalse();
    assertThat(browser.text("#fed-title")).isEqualTo("heart");
    assertThat(browser.text("#fed-state")).isEqualTo("created");
    assertThat(browser.text("#nodes-table tr[data-node='hungary'] td:nth-child(2)"))
        .isEqualTo("connected");

    // Start from the page, with confirmation.
    browser.click("#action-start");
    browser.click("#confirm-ok");
    await().atMost(WAIT).until(() -> federation.state() == FederationState.RUNNING);

    // Rounds appear and keep coming without a reload; the live round shows its progress.
    await().atMost(WAIT).until(() -> !browser.find("#live-body:not([hidden])").isEmpty());
    await().atMost(WAIT).until(() -> rows("rounds-table") >= 2);
    int before = rows("rounds-table");
    await().atMost(WAIT).until(() -> rows("rounds-table") > before);
    assertThat(browser.text("#rounds-table tbody tr:first-child td:nth-child(2)"))
        .isEqualTo("succeeded");
    assertThat(browser.text("#kpi-rounds")).matches("\\d+ / 200");
    assertThat(browser.count("#panel-loss:not([hidden]) canvas")).isEqualTo(1);
    assertThat(browser.count("#panel-privacy:not([hidden]) li")).isEqualTo(2);
    assertThat(browser.count("#versions-list li")).isGreaterThanOrEqualTo(3);
    await().atMost(WAIT).until(() -> browser.count("#live-selected li") == 4
        && browser.text("#live-deadline").matches("\\d+:\\d\\d"));
    browser.screenshot(SCREENSHOTS.resolve("dashboard.png"));

    // Pause, confirmed in the dialog: the server pauses and the page says so.
    browser.click("#action-pause");
    assertThat(browser.text("#confirm-text")).contains("Pause heart?");
    browser.click("#confirm-ok");
    await().atMost(WAIT).until(() -> federation.state() == FederationState.PAUSED);
    await().atMost(WAIT).until(() -> "paused".equals(browser.text("#fed-state")));
    await().atMost(WAIT).until(() -> !browser.find("#action-resume:not([hidden])").isEmpty());
    await().atMost(WAIT).until(() -> !browser.find("#live-body[hidden]").isEmpty());
    int whilePaused = rows("rounds-table");
    browser.screenshot(SCREENSHOTS.resolve("dashboard-paused.png"));

    // Resume with the keyboard alone, then confirm: rounds continue.
    browser.keys("#action-resume", WebDriverSession.ENTER);
    await().atMost(WAIT).until(() -> browser.script(
        "return document.getElementById('confirm').open;").asBoolean());
    browser.click("#confirm-ok");
    await().atMost(WAIT).until(() -> federation.state() == FederationState.RUNNING);
    await().atMost(WAIT).until(() -> "running".equals(browser.text("#fed-state")));
    await().atMost(WAIT).until(() -> rows("rounds-table") > whilePaused);
    assertThat(rows("rounds-table")).isGreaterThan(whilePaused);

    // Both actions are in the audit panel, attributed to the operator's browser.
    await().atMost(WAIT).until(() -> browser.count("#audit-table tbody tr") >= 3);
    assertThat(browser.text("#audit-table tbody")).contains("federation.pause")
        .contains("federation.resume").contains("http 127.0.0.1:")
        .contains("operator:" + SimulatedFederation.OPERATOR);
  }

  @Test
  void lostConnectionIsShownPlainlyAndTheDashboardReconnectsByItself() throws Exception {
    browser.open(sim.server().dashboardUrl().orElseThrow());
    await().atMost(WAIT).until(() -> "Live".equals(browser.text("#conn-text"))
        && rows("nodes-table") == 4);

    int[] ports = sim.stopCoordinator();

    await().atMost(WAIT).until(() -> "Offline".equals(browser.text("#conn-text")));
    assertThat(visible("#conn-banner")).isTrue();
    assertThat(browser.text("#conn-banner")).contains("Lost connection to the coordinator")
        .contains("Reconnecting");
    browser.screenshot(SCREENSHOTS.resolve("dashboard-offline.png"));

    sim.restartCoordinator(ports);

    await().atMost(WAIT).until(() -> "Live".equals(browser.text("#conn-text")));
    await().atMost(WAIT).until(() -> !visible("#conn-banner"));
    await().atMost(WAIT).until(() -> browser.count(
        "#nodes-table tbody tr td:nth-child(2) .s-CONNECTED") == 4);
  }
}
