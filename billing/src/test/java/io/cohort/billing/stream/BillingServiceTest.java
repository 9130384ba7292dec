package io.cohort.billing.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cohort.billing.TestDirs;
import io.cohort.billing.audit.LedgerAudit;
import io.cohort.billing.cli.BillingCommand;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.billing.ledger.LedgerSnapshot;
import io.cohort.billing.money.Micros;
import io.cohort.billing.query.BillingQueryService;
import io.cohort.billing.query.LedgerFollower;
import io.cohort.billing.query.UnaryReply;
import io.cohort.proto.v1.Balance;
import io.cohort.proto.v1.BillingPeriod;
import io.cohort.proto.v1.GetBalanceRequest;
import io.cohort.proto.v1.GetStatementRequest;
import io.cohort.proto.v1.ListLedgerEntriesRequest;
import io.cohort.proto.v1.ListLedgerEntriesResponse;
import io.cohort.proto.v1.ListPeriodsRequest;
import io.cohort.proto.v1.ListPeriodsResponse;
import io.cohort.proto.v1.Statement;
import io.grpc.Status;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The billing service against a real broker: duplicates and a crash change no balance. */
class BillingServiceTest {

  private static final BillingSettings SETTINGS = BillingSettings.demo();
  private static final int EVENTS = Integer.getInteger("cohort.billing.crash.events", 100_000);
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(3);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void everyEventSentTwiceIsChargedOnceAndAKillDashNineMidStreamChangesNoBalance()
      throws Exception {
    UsageLoad load = new UsageLoad(EVENTS, System.currentTimeMillis(), SETTINGS);
    Path stateDir = TestDirs.stateDir("billing-crash-");
    String appId = "billing-crash-test";
    try (KafkaProducer<String, byte[]> producer = UsageLoad.producer(kafka.bootstrapServers());
        LedgerTally tally = new LedgerTally(kafka.bootstrapServers())) {
      UsageLoad.publishCatalog(producer);
      load.send(producer, 0, EVENTS);
      load.send(producer, 0, EVENTS);

      Process child = startBillingProcess(stateDir, appId);
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> tally.poll().entryIds.size() > 1_000);
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(tally.entryIds.size()).as("killed mid-stream")
          .isLessThan(EVENTS * 4);

      try (BillingService restarted = BillingService.start(kafka.bootstrapServers(), SETTINGS,
          stateDir, appId)) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
            .until(() -> tally.poll().balances.equals(load.expected));
        assertThat(restarted.counter().rejectedTotal()).isZero();
      }
      assertThat(tally.duplicatedEntries()).isZero();
    }
    LedgerSnapshot ledger = LedgerReader.readAll(kafka.bootstrapServers(), Duration.ofSeconds(60));
    assertThat(LedgerAudit.check(ledger)).isEmpty();
    assertThat(cli("audit")).isEqualTo("ok");
    assertQueryServiceAgrees(load);
    assertThat(cli("balance", "owner:hospital-a")).startsWith("owner:hospital-a "
        + Micros.format(load.expected.get("owner:hospital-a")) + " EUR");
  }

  private static void assertQueryServiceAgrees(UsageLoad load) throws Exception {
    try (LedgerFollower follower = LedgerFollower.start(kafka.bootstrapServers(),
        SETTINGS.periods(), "EUR")) {
      await().atMost(Duration.ofSeconds(60)).until(follower::caughtUp);
      BillingQueryService service = new BillingQueryService(follower, Clock.systemUTC());

      UnaryReply<Balance> balance = new UnaryReply<>();
      service.getBalance(GetBalanceRequest.newBuilder().setAccount("consumer:acme").build(),
          balance);
      assertThat(balance.value().getBalanceMicros())
          .isEqualTo(load.expected.get("consumer:acme"));

      UnaryReply<ListLedgerEntriesResponse> page = new UnaryReply<>();
      service.listLedgerEntries(ListLedgerEntriesRequest.newBuilder()
          .setAccount("owner:hospital-a").setPageSize(10).build(), page);
      assertThat(page.value().getEntriesList()).hasSize(10);
      assertThat(page.value().getNextPageToken()).isEqualTo("10");

      UnaryReply<Balance> bad = new UnaryReply<>();
      service.getBalance(GetBalanceRequest.newBuilder().setAccount("acme").build(), bad);
      assertThat(Status.fromThrowable(bad.error()).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

      UnaryReply<ListPeriodsResponse> periods = new UnaryReply<>();
      service.listPeriods(ListPeriodsRequest.getDefaultInstance(), periods);
      long statementTotal = 0;
      for (BillingPeriod p : periods.value().getPeriodsList()) {
        UnaryReply<Statement> statement = new UnaryReply<>();
        service.getStatement(GetStatementRequest.newBuilder().setAccount("platform")
            .setPeriodId(p.getPeriodId()).build(), statement);
        statementTotal += statement.value().getTotalMicros();
      }
      assertThat(statementTotal).isEqualTo(load.expected.get("platform"));
    }
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = BillingCommand.commandLine().setOut(new PrintWriter(out));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--kafka", kafka.bootstrapServers(), "--period-length", "PT1M")).toArray(String[]::new);
    assertThat(cli.execute(all)).isZero();
    return out.toString().trim();
  }

  /** The billing CLI in a child JVM, killable with SIGKILL. */
  private static Process startBillingProcess(Path stateDir, String appId) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx512m",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", System.getProperty("java.class.path"),
        "io.cohort.billing.cli.BillingCommand", "--kafka", kafka.bootstrapServers(),
        "--state-dir", stateDir.toString(), "--application-id", appId,
        "--period-length", "PT1M", "--grace", "PT10S",
        "--platform-fee", "0.20", "--public-benefit-discount", "0.10")
        .redirectErrorStream(true).start();
    CompletableFuture<Boolean> running = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("billing running")) {
            running.complete(true);
          }
        }
      } catch (Exception e) {
        running.completeExceptionally(e);
      }
      running.complete(false);
    }, "billing-child-output");
    reader.setDaemon(true);
    reader.start();
    assertThat(running.get(60, TimeUnit.SECONDS)).as("child billing started").isTrue();
    return process;
  }
}
