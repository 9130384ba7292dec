package io.cohort.deploy.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.billing.http.BillingEndpoint;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.billing.stream.BillingService;
import io.cohort.billing.stream.BillingSettings;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.OwnerShare;
import io.cohort.proto.v1.PlanKind;
import io.cohort.proto.v1.UsageEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's billing panels read {@code /api/billing} on the coordinator, which fetches the
 * billing service's overview: a real broker, the billing service with its HTTP API, and a
 * coordinator started with the billing URL. Usage of two consumers shows up as revenue, owner
 * payouts and invoices, and a new event is visible on the next request (the page polls it).
 */
class DashboardBillingTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void dashboardApiShowsRevenuePayoutsAndInvoicesFromBilling() throws Exception {
    BillingSettings settings = BillingSettings.demo();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), true);
        SpoolingEventPublisher publisher = SpoolingEventPublisher.open(kafka.bootstrapServers(),
            dir.resolve("spool"))) {
      CohortTopics.ensure(kafka.bootstrapServers(), 3, (short) 1, 30_000);
      // The catalog first: billing loads its global tables before it reports RUNNING.
      // 1,000,000 micros per 1,000 predictions: 1,000 micros per prediction
      publisher.publish(ModelVersionEvent.newBuilder().setFederationId("heart").setVersion("v1")
          .setRound(1).setQualityMetric("auc").setQuality(0.9).setPriceMicrosPer1000(1_000_000)
          .setCurrency("EUR").addContributionShares(share("cleveland", 750_000))
          .addContributionShares(share("hungary", 250_000)).build());
      for (String consumer : List.of("acme", "lab")) {
        publisher.publish(ConsumerAccountEvent.newBuilder().setConsumerId(consumer)
            .setPlan(PlanKind.PAY_PER_USE).build());
      }
      assertThat(publisher.awaitDelivered(Duration.ofSeconds(30))).isTrue();
      try (BillingService billing = BillingService.start(kafka.bootstrapServers(), settings,
              dir.resolve("billing-state"), "dashboard-billing-test");
          BillingEndpoint api = BillingEndpoint.start(billing, kafka.bootstrapServers(),
              settings.periods(), settings.currency(), new InetSocketAddress("127.0.0.1", 0));
          CoordinatorServer coordinator = new CoordinatorServer(new CoordinatorServer.Config(
              "127.0.0.1", 0, dir.resolve("coordinator"), 500, 2, 0)
              .withBillingUrl(api.uri().toString()), List.of()).start()) {
        assertThat(billing.awaitRunning(Duration.ofSeconds(60))).isTrue();
        usageAndPanels(publisher, coordinator);
      }
    }
  }

  private void usageAndPanels(SpoolingEventPublisher publisher, CoordinatorServer coordinator)
      throws Exception {
    long now = System.currentTimeMillis();
    publisher.publish(usage("u1", "acme", 100, now));
    publisher.publish(usage("u2", "lab", 40, now));
    URI dashboardBilling = URI.create("http://127.0.0.1:" + coordinator.httpPort().orElseThrow()
        + "/api/billing");

    JsonNode overview = await().atMost(Duration.ofSeconds(60)).until(
        () -> get(dashboardBilling), o -> o != null && o.path("invoices").size() == 2);

    assertThat(overview.path("currency").asText()).isEqualTo("EUR");
    JsonNode period = overview.path("periods").get(0);
    assertThat(period.path("revenueMicros").asLong()).isEqualTo(140_000);
    assertThat(period.path("royaltiesMicros").asLong()).isEqualTo(112_000);
    assertThat(period.path("platformMicros").asLong()).isEqualTo(28_000);
    assertThat(balance(overview, "owner:cleveland")).isEqualTo(84_000);
    assertThat(balance(overview, "owner:hungary")).isEqualTo(28_000);
    assertThat(overview.path("invoices")).extracting(i -> i.path("consumerId").asText()
        + "=" + i.path("amountMicros").asLong()).containsExactly("acme=100000", "lab=40000");

    publisher.publish(usage("u3", "lab", 10, now));
    await().atMost(Duration.ofSeconds(60)).until(() -> balance(get(dashboardBilling),
        "owner:hungary") == 30_000);
    if (WebDriverSession.available()) {
      panelsInTheBrowser(coordinator, publisher, now);
    }
  }

  /** The same in headless Chromium: the panels appear and follow new usage without a reload. */
  private void panelsInTheBrowser(CoordinatorServer coordinator,
      SpoolingEventPublisher publisher, long now) throws Exception {
    try (WebDriverSession browser = new WebDriverSession(dir.resolve("chromium-profile"),
        DashboardBrowserTest.SCREENSHOTS.resolve("chromedriver-billing.log"), 1440, 2300)) {
      browser.open(coordinator.dashboardUrl().orElseThrow());
      await().atMost(Duration.ofSeconds(60)).until(
          () -> browser.count("#panel-payouts:not([hidden]) tbody tr") == 2);
      assertThat(browser.text("#payouts-table tr[data-account='owner:cleveland'] td:nth-child(3)"))
          .isEqualTo("75.0 %");
      assertThat(browser.count("#panel-invoices:not([hidden]) tbody tr")).isEqualTo(2);
      assertThat(browser.count("#panel-revenue:not([hidden]) canvas")).isEqualTo(1);
      assertThat(browser.text("#kpi-predictions")).isEqualTo("150");
      assertThat(browser.script("return charts.revenue.data.labels[0];").asText())
          .as("period label of the revenue chart").matches(".*\\d.*").doesNotContain("Invalid");

      publisher.publish(usage("u4", "acme", 50, now));
      await().atMost(Duration.ofSeconds(60)).until(
          () -> "200".equals(browser.text("#kpi-predictions")));
      browser.screenshot(DashboardBrowserTest.SCREENSHOTS.resolve("dashboard-billing.png"));
    }
  }

  @Test
  void withoutBillingTheDashboardApiSaysSoWith404() throws Exception {
    try (CoordinatorServer coordinator = new CoordinatorServer(new CoordinatorServer.Config(
        "127.0.0.1", 0, dir.resolve("coordinator"), 500, 2, 0), List.of()).start()) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + coordinator.httpPort().orElseThrow() + "/api/billing")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).contains("--billing-url");
    }
  }

  private static JsonNode get(URI uri) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private static long balance(JsonNode overview, String account) {
    if (overview == null) {
      return Long.MIN_VALUE;
    }
    for (JsonNode b : overview.path("balances")) {
      if (b.path("account").asText().equals(account)) {
        return b.path("balanceMicros").asLong();
      }
    }
    return 0;
  }

  private static OwnerShare share(String owner, long ppm) {
    return OwnerShare.newBuilder().setOwnerId(owner).setSharePpm(ppm).build();
  }

  private static UsageEvent usage(String id, String consumer, long predictions, long timeMs) {
    return UsageEvent.newBuilder().setEventId(id).setConsumerId(consumer)
        .setFederationId("heart").setModelVersion("v1").setPredictions(predictions)
        .setTimeMs(timeMs).build();
  }
}
