package io.cohort.billing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.cohort.billing.BillingFixtures;
import io.cohort.billing.TestDirs;
import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.billing.ledger.FeePolicy;
import io.cohort.billing.metrics.BillingMetrics;
import io.cohort.billing.period.MonthlyPeriods;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.billing.query.BillingQueryService;
import io.cohort.billing.query.LedgerFollower;
import io.cohort.billing.stream.BillingService;
import io.cohort.billing.stream.BillingSettings;
import io.cohort.proto.v1.Balance;
import io.cohort.proto.v1.ListLedgerEntriesResponse;
import io.cohort.proto.v1.ListPeriodsResponse;
import io.cohort.proto.v1.Overview;
import io.cohort.proto.v1.PeriodTotals;
import io.cohort.proto.v1.Statement;
import io.cohort.proto.v1.UsageEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON-over-HTTP API and /metrics against a real broker and a running billing service:
 * 40 usage events of acme (1,000 micros per prediction), one duplicate and three bad events
 * (malformed, unknown consumer, negative count).
 */
class BillingHttpServerTest {

  private static final BillingSettings SETTINGS = new BillingSettings("EUR",
      FeePolicy.ofFractions(0.20, 0.10), new PeriodClosing(new MonthlyPeriods(),
          Duration.ofHours(1)), Duration.ofDays(7), Duration.ofHours(1), Duration.ofSeconds(5));
  private static final int EVENTS = 40;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private static EmbeddedKafka kafka;
  private static BillingService service;
  private static LedgerFollower follower;
  private static BillingHttpServer server;
  private static long acmePredictions;

  @BeforeAll
  static void startEverything() throws Exception {
    kafka = EmbeddedKafka.start(3);
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
        new ByteArraySerializer())) {
      // Published first: the global tables are loaded before the service reports RUNNING.
      producer.send(new ProducerRecord<>(CohortTopics.MODEL_VERSIONS, "heart/v1",
          BillingFixtures.version("v1", 1_000_000, Map.of("hospital-a", 600_000L,
              "hospital-b", 400_000L)).toByteArray())).get();
      producer.send(new ProducerRecord<>(CohortTopics.CONSUMERS, "acme",
          BillingFixtures.payPerUse("acme").toByteArray())).get();
      service = BillingService.start(kafka.bootstrapServers(), SETTINGS,
          TestDirs.stateDir("billing-http-"), "billing-http-test");
      assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
      for (int i = 1; i <= EVENTS; i++) {
        send(producer, BillingFixtures.usage("http-" + i, "acme", "v1", i, now));
        acmePredictions += i;
      }
      send(producer, BillingFixtures.usage("http-1", "acme", "v1", 1, now));
      producer.send(new ProducerRecord<>(CohortTopics.USAGE, "acme", new byte[] {(byte) 0xff}));
      send(producer, BillingFixtures.usage("http-x", "nobody", "v1", 5, now));
      send(producer, BillingFixtures.usage("http-y", "acme", "v1", -5, now));
      producer.flush();
    }
    follower = LedgerFollower.start(kafka.bootstrapServers(), SETTINGS.periods(), "EUR");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BillingMetrics.bindDeadLetters(registry, service.counter());
    BillingMetrics.bindLedgerLag(registry, service.streams());
    BillingMetrics.bindQueryLag(registry, follower);
    server = BillingHttpServer.start(new InetSocketAddress("127.0.0.1", 0),
        new BillingQueryService(follower, Clock.systemUTC()), registry);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      HttpResponse<String> r = get("v1/accounts/consumer:acme/balance");
      return r.statusCode() == 200
          && BillingHttpServerTest.<Balance>parse(r.body(), Balance.newBuilder())
          .getBalanceMicros() == -1_000 * acmePredictions;
    });
  }

  private static void send(KafkaProducer<String, byte[]> producer, UsageEvent u) {
    producer.send(new ProducerRecord<>(CohortTopics.USAGE, u.getConsumerId(),
        u.toByteArray()));
  }

  @AfterAll
  static void stopEverything() {
    if (server != null) {
      server.close();
    }
    if (follower != null) {
      follower.close();
    }
    if (service != null) {
      service.close();
    }
    kafka.close();
  }

  @Test
  void balancesEntriesStatementsAndPeriodsMatchTheLedger() throws Exception {
    Balance acme = parse(get("v1/accounts/consumer%3Aacme/balance").body(),
        Balance.newBuilder());
    assertThat(acme.getBalanceMicros()).isEqualTo(-1_000 * acmePredictions);
    assertThat(acme.getCurrency()).isEqualTo("EUR");
    assertThat(acme.getEntries()).isEqualTo(EVENTS);
    Balance owner = parse(get("v1/accounts/owner:hospital-a/balance").body(),
        Balance.newBuilder());
    Balance platform = parse(get("v1/accounts/platform/balance").body(), Balance.newBuilder());
    Balance ownerB = parse(get("v1/accounts/owner:hospital-b/balance").body(),
        Balance.newBuilder());
    assertThat(owner.getBalanceMicros() + ownerB.getBalanceMicros()
        + platform.getBalanceMicros()).isEqualTo(1_000 * acmePredictions);

    HttpResponse<String> unknown = get("v1/accounts/owner:nobody/balance");
    assertThat(unknown.statusCode()).isEqualTo(200);
    assertThat(unknown.body()).contains("\"balanceMicros\": \"0\"");

    ListLedgerEntriesResponse first = parse(
        get("v1/accounts/consumer:acme/entries?page_size=15").body(),
        ListLedgerEntriesResponse.newBuilder());
    assertThat(first.getEntriesList()).hasSize(15);
    assertThat(first.getNextPageToken()).isEqualTo("15");
    ListLedgerEntriesResponse rest = parse(get("v1/accounts/consumer:acme/entries?page_size=100"
        + "&page_token=15").body(), ListLedgerEntriesResponse.newBuilder());
    assertThat(rest.getEntriesList()).hasSize(EVENTS - 15);
    assertThat(rest.getNextPageToken()).isEmpty();

    String period = first.getEntries(0).getPeriodId();
    Statement statement = parse(get("v1/accounts/platform/statement?period=" + period).body(),
        Statement.newBuilder());
    assertThat(statement.getTotalMicros()).isEqualTo(platform.getBalanceMicros());
    assertThat(statement.getPeriod().getPeriodId()).isEqualTo(period);
    assertThat(statement.getPeriod().getClosed()).isFalse();

    ListPeriodsResponse periods = parse(get("v1/periods").body(),
        ListPeriodsResponse.newBuilder());
    assertThat(periods.getPeriodsList()).extracting(p -> p.getPeriodId()).contains(period);

    HttpResponse<String> health = get("health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"ok\"");
  }

  @Test
  void badInputIsAClearJsonError() throws Exception {
    assertError(get("v1/accounts/acme/balance"), 400, "INVALID_ARGUMENT", "not an account");
    assertError(get("v1/accounts/platform/statement?period=yesterday"), 400,
        "INVALID_ARGUMENT", "not a period id");
    assertError(get("v1/accounts/platform/entries?page_size=lots"), 400, "INVALID_ARGUMENT",
        "page_size must be a positive integer");
    assertError(get("v1/accounts/platform/entries?page_token=abc"), 400, "INVALID_ARGUMENT",
        "bad page_token");
    assertError(get("v1/accounts/platform/balance?periode=x"), 400, "INVALID_ARGUMENT",
        "unknown parameter 'periode'");
    assertError(get("v1/accounts/platform/statement?period=a&period=b"), 400,
        "INVALID_ARGUMENT", "given twice");
    assertError(get("v1/accounts/platform/invoice"), 404, "NOT_FOUND", "balance, entries");
    assertError(get("v2/balance"), 404, "NOT_FOUND", "no such endpoint");
    HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(server.uri()
            .resolve("v1/periods")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertError(post, 405, "METHOD_NOT_ALLOWED", "read-only");
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void overviewShowsRevenuePayoutsAndInvoicesOfTheLedger() throws Exception {
    HttpResponse<String> response = get("v1/overview?max_periods=3");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Overview overview = parse(response.body(), Overview.newBuilder());

    long revenue = 1_000 * acmePredictions;
    assertThat(overview.getCurrency()).isEqualTo("EUR");
    assertThat(overview.getBalancesList()).extracting(Balance::getAccount).containsExactly(
        "consumer:acme", "owner:hospital-a", "owner:hospital-b", "platform");
    PeriodTotals period = overview.getPeriods(0);
    assertThat(period.getRevenueMicros()).isEqualTo(revenue);
    assertThat(period.getRoyaltiesMicros() + period.getPlatformMicros()).isEqualTo(revenue);
    assertThat(period.getPlatformMicros()).isEqualTo(revenue / 5);
    assertThat(period.getPredictions()).isEqualTo(acmePredictions);
    assertThat(overview.getInvoicesList()).singleElement().satisfies(invoice -> {
      assertThat(invoice.getConsumerId()).isEqualTo("acme");
      assertThat(invoice.getAmountMicros()).isEqualTo(revenue);
      assertThat(invoice.getPredictions()).isEqualTo(acmePredictions);
      assertThat(invoice.getPeriod()).isEqualTo(period.getPeriod());
    });
    assertError(get("v1/overview?max_periods=1000"), 400, "INVALID_ARGUMENT",
        "max_periods must be in [0, 100]");
    assertError(get("v1/overview?max_periods=many"), 400, "INVALID_ARGUMENT",
        "max_periods must be an integer");
  }

  @Test
  void metricsCountDeadLettersAndDuplicatesAndShowNoLagOnceCaughtUp() throws Exception {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> metrics = get("metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("cohort_billing_dead_letters_total{reason=\"MALFORMED\"} 1.0")
          .contains("cohort_billing_dead_letters_total{reason=\"UNKNOWN_CONSUMER\"} 1.0")
          .contains("cohort_billing_dead_letters_total{reason=\"INVALID\"} 1.0")
          .contains("cohort_billing_dead_letters_total{reason=\"EXPIRED\"} 0.0")
          .contains("cohort_billing_duplicates_total 1.0")
          .contains("cohort_billing_usage_events_read_total " + (EVENTS + 4) + ".0")
          .contains("cohort_billing_usage_events_charged_total " + EVENTS + ".0")
          .contains("cohort_billing_ledger_charges_published_total " + EVENTS + ".0")
          .contains("cohort_billing_ledger_lag_records 0.0")
          .contains("cohort_billing_query_lag_records 0.0");
    });
  }

  @Test
  void aLedgerStillLoadingAnswers503WithRetryAfter() throws Exception {
    try (LedgerFollower unreachable = LedgerFollower.start("127.0.0.1:1", SETTINGS.periods(),
            "EUR");
        BillingHttpServer loading = BillingHttpServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            new BillingQueryService(unreachable, Clock.systemUTC()),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      HttpResponse<String> balance = CLIENT.send(HttpRequest.newBuilder(
          loading.uri().resolve("v1/accounts/platform/balance")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertError(balance, 503, "UNAVAILABLE", "still being loaded");
      assertThat(balance.headers().firstValue("Retry-After")).hasValue("5");
      HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(
          loading.uri().resolve("health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"loading\"");
    }
  }

  private static void assertError(HttpResponse<String> response, int status, String code,
      String messagePart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(response.body()).contains("\"status\": " + status)
        .contains("\"code\": \"" + code + "\"").contains(messagePart);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M parse(String json, Message.Builder builder)
      throws Exception {
    JsonFormat.parser().merge(json, builder);
    return (M) builder.build();
  }
}
