package io.cohort.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.billing.audit.BillingSummary;
import io.cohort.billing.http.BillingEndpoint;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.billing.stream.BillingService;
import io.cohort.billing.stream.BillingSettings;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The data market of the demo: a real single-node Kafka broker (KRaft, in this process, on
 * 127.0.0.1) and the billing service (Kafka Streams, exactly-once). The coordinator publishes
 * contribution and model-version events to it; consumers' usage is billed from it.
 */
final class DemoMarket implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final BillingService billing;
  private final BillingEndpoint http;
  private final BillingSettings settings;

  private DemoMarket(EmbeddedKafka kafka, BillingService billing, BillingEndpoint http,
      BillingSettings settings) {
    this.kafka = kafka;
    this.settings = settings;
    this.billing = billing;
    this.http = http;
  }

  static DemoMarket start(Path dir, PrintStream out) throws InterruptedException {
    out.println("starting the data market: Kafka broker (KRaft) and billing service...");
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
    BillingService billing = null;
    BillingEndpoint http;
    BillingSettings settings = BillingSettings.demo();
    try {
      billing = BillingService.start(kafka.bootstrapServers(), settings,
          dir.resolve("billing-state"), BillingService.APPLICATION_ID);
      if (!billing.awaitRunning(Duration.ofSeconds(60))) {
        throw new IllegalStateException("billing service did not start within 60 s");
      }
      http = BillingEndpoint.start(billing, kafka.bootstrapServers(), settings.periods(),
          settings.currency(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (RuntimeException | InterruptedException e) {
      if (billing != null) {
        billing.close();
      }
      kafka.close();
      throw e;
    }
    out.println("Kafka on " + kafka.bootstrapServers() + "; billing running (exactly-once), "
        + "its API at " + http.uri());
    return new DemoMarket(kafka, billing, http, settings);
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The billing HTTP API (balances, statements, the dashboard's overview). */
  String billingUrl() {
    return http.uri().toString();
  }

  /** Reads the whole ledger back and checks it: the report's {@code billing} section. */
  @SuppressWarnings("unchecked")
  ObjectNode summary(PrintStream out) {
    BillingSummary summary = BillingSummary.of(
        LedgerReader.readAll(kafka.bootstrapServers(), Duration.ofSeconds(20)),
        settings.currency());
    Map<String, Object> report = summary.toReport();
    ObjectNode node = new ObjectMapper().valueToTree(report);
    out.println("billing audit: " + node.get("audit"));
    node.path("owners").fields().forEachRemaining(e -> out.printf("  owner %-12s earned %s"
        + " micro-%s%n", e.getKey(), e.getValue().path("earned_micros").asText(),
        settings.currency()));
    node.path("consumers").fields().forEachRemaining(e -> out.printf("  consumer %-9s charged"
        + " %s micro-%s%n", e.getKey(), e.getValue().path("charged_micros").asText(),
        settings.currency()));
    return node;
  }

  @Override
  public void close() {
    http.close();
    billing.close();
    kafka.close();
  }
}
