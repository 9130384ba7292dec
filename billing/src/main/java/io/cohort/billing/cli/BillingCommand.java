package io.cohort.billing.cli;

import io.cohort.billing.http.BillingEndpoint;
import io.cohort.billing.ledger.FeePolicy;
import io.cohort.billing.period.PeriodCalendar;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.billing.stream.BillingService;
import io.cohort.billing.stream.BillingSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code billing}: runs the billing service against a Kafka cluster until stopped; its
 * subcommands query and audit the ledger. Every option can also be set by the environment
 * variable named in its description.
 */
@Command(name = "billing", mixinStandardHelpOptions = true,
    header = "Runs the billing service: usage events to a double-entry ledger, exactly once.",
    subcommands = {BalanceCommand.class, StatementCommand.class, AuditCommand.class},
    description = {
        "It prices usage events (cohort.usage.v1) with the published model-version",
        "prices and consumer plans, and writes balanced double-entry ledger charges",
        "(cohort.ledger.v2) exactly once. Stop it with Ctrl-C or SIGTERM."})
public final class BillingCommand implements Callable<Integer> {

  @Option(names = "--kafka", scope = ScopeType.INHERIT, paramLabel = "BOOTSTRAP",
      defaultValue = "${env:COHORT_KAFKA:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (COHORT_KAFKA). Default: ${DEFAULT-VALUE}.")
  String kafka;

  @Option(names = "--currency", scope = ScopeType.INHERIT,
      defaultValue = "${env:COHORT_BILLING_CURRENCY:-EUR}",
      description = "ISO 4217 currency of prices and entries (COHORT_BILLING_CURRENCY). "
          + "Default: ${DEFAULT-VALUE}.")
  String currency;

  @Option(names = "--period-length", scope = ScopeType.INHERIT,
      defaultValue = "${env:COHORT_BILLING_PERIOD_LENGTH:-monthly}",
      description = "Length of billing periods: 'monthly' (UTC months) or an ISO-8601 duration "
          + "such as PT1M (COHORT_BILLING_PERIOD_LENGTH). Default: ${DEFAULT-VALUE}.")
  String periodLength;

  @Option(names = "--grace", scope = ScopeType.INHERIT,
      defaultValue = "${env:COHORT_BILLING_GRACE:-PT1H}",
      description = "How long after its end a period stays open for late events, ISO-8601 "
          + "(COHORT_BILLING_GRACE). Default: ${DEFAULT-VALUE}.")
  Duration grace;

  @Option(names = "--timeout", scope = ScopeType.INHERIT,
      defaultValue = "${env:COHORT_BILLING_TIMEOUT:-PT30S}",
      description = "How long to wait for Kafka (COHORT_BILLING_TIMEOUT). Default: "
          + "${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--state-dir", defaultValue = "${env:COHORT_BILLING_STATE_DIR:-data/billing}",
      description = "Kafka Streams state directory (COHORT_BILLING_STATE_DIR). Default: "
          + "${DEFAULT-VALUE}.")
  Path stateDir;

  @Option(names = "--application-id",
      defaultValue = "${env:COHORT_BILLING_APPLICATION_ID:-" + BillingService.APPLICATION_ID + "}",
      description = "Kafka Streams application id (COHORT_BILLING_APPLICATION_ID). Default: "
          + "${DEFAULT-VALUE}.")
  String applicationId;

  @Option(names = "--platform-fee", defaultValue = "${env:COHORT_BILLING_PLATFORM_FEE:-0.20}",
      description = "Fraction of each charge kept by the platform (COHORT_BILLING_PLATFORM_FEE). "
          + "Default: ${DEFAULT-VALUE}.")
  double platformFee;

  @Option(names = "--public-benefit-discount",
      defaultValue = "${env:COHORT_BILLING_PUBLIC_BENEFIT_DISCOUNT:-0.10}",
      description = "Discount for public-interest consumers, funded from the platform fee; at "
          + "most the fee (COHORT_BILLING_PUBLIC_BENEFIT_DISCOUNT). Default: ${DEFAULT-VALUE}.")
  double publicBenefitDiscount;

  @Option(names = "--dedup-retention",
      defaultValue = "${env:COHORT_BILLING_DEDUP_RETENTION:-P30D}",
      description = "How long usage event ids are remembered; longer than any replay "
          + "(COHORT_BILLING_DEDUP_RETENTION). Default: ${DEFAULT-VALUE}.")
  Duration dedupRetention;

  @Option(names = "--http", paramLabel = "[HOST:]PORT",
      defaultValue = "${env:COHORT_BILLING_HTTP}",
      description = "Also serve the query API as JSON over HTTP, and Prometheus metrics at "
          + "/metrics, on this address (COHORT_BILLING_HTTP; host default 127.0.0.1, port 0 = "
          + "any free port). Default: off.")
  String http;

  @Override
  public Integer call() throws Exception {
    BillingSettings settings = settings();
    try (BillingService service = BillingService.start(kafka, settings, stateDir,
        applicationId)) {
      if (!service.awaitRunning(timeout.plus(timeout))) {
        System.err.println("billing did not start against " + kafka + ": " + service.state());
        return 2;
      }
      System.out.println("billing running against " + kafka + " (application " + applicationId
          + ", currency " + currency + ", periods " + periodLength + ")");
      try (AutoCloseable api = http == null ? null : startHttp(service)) {
        System.out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "billing-shutdown"));
        stop.await();
      }
    }
    return 0;
  }

  /** The HTTP query API and metrics of a running service; closing stops both. */
  private AutoCloseable startHttp(BillingService service) {
    BillingEndpoint endpoint = BillingEndpoint.start(service, kafka, periods(), currency,
        httpAddress(http));
    System.out.println("billing HTTP API at " + endpoint.uri() + " (metrics at "
        + endpoint.uri() + "metrics)");
    return endpoint;
  }

  /** {@code PORT}, {@code :PORT} or {@code HOST:PORT}; the host defaults to loopback. */
  static InetSocketAddress httpAddress(String spec) {
    int colon = spec.lastIndexOf(':');
    String host = colon <= 0 ? "127.0.0.1" : spec.substring(0, colon);
    try {
      return new InetSocketAddress(host, Integer.parseInt(spec.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--http wants [HOST:]PORT, got '" + spec + "'", e);
    }
  }

  /** The settings these options describe. */
  public BillingSettings settings() {
    return new BillingSettings(currency, FeePolicy.ofFractions(platformFee, publicBenefitDiscount),
        periods(), dedupRetention, Duration.ofHours(1), Duration.ofSeconds(5));
  }

  PeriodClosing periods() {
    return new PeriodClosing(PeriodCalendar.named(periodLength), grace);
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, for a launcher to add as a subcommand. */
  public static CommandLine commandLine() {
    return new CommandLine(new BillingCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
