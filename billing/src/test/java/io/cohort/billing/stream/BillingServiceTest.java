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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
  private static final int EVENTS = Integer.getInteger("cohort.billing.crash.events", 30_000);
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
    assertThat(cli("balance", "owner:hospital-a")).startsWith("owner:hospital-a "
        + Micros.format(load.expected.get("owner:hospital-a")) + " EUR");
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = BillingCommand.commandLine().setOut(new PrintWriter(out));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--kafka", kafka.bootstrapServers())).toArray(String[]::new);
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
