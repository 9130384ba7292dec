package io.cohort.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.billing.TestDirs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A tiny run of the benchmark: every pipeline's output is exact and the report is complete. */
class BillingBenchCommandTest {

  @Test
  void aSmallRunIsExactAndReportsMachineCommandRowsAndVerdict() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BillingBenchCommand()).setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err));
    int code = cli.execute("--events", "1000", "--rate", "500", "--latency-seconds", "1",
        "--warmup-seconds", "0", "--warmup-events", "0", "--rounds", "1", "--consumers", "12",
        "--pipelines", "sum,billing", "--work-dir", TestDirs.fresh("bench-").toString());
    String report = out.toString();
    assertThat(code).as(report + err).isZero();
    assertThat(report).contains("machine: " + Runtime.getRuntime().availableProcessors()
        + " cores").contains("command: cohort billing-bench --events 1000")
        .contains("load during the run: 1-min load average");
    List<String> rows = report.lines().filter(l -> l.startsWith("| bare sum, per event | 1 |")
        || l.startsWith("| billing topology | 1 |")).toList();
    assertThat(rows).hasSize(2).allSatisfy(row -> assertThat(row).endsWith("| yes |"));
    assertThat(report).contains("throughput: billing").contains("of bare sum, per event")
        .contains("latency: billing p99").contains("exact: every run's balances and sums equal");
  }

  @Test
  void verdictComparesBillingWithEachBareSumAndTheLatencyTarget() {
    List<BillingBenchCommand.Result> results = List.of(
        result("bare sum, cached", 50_000, 100), result("bare sum, per event", 30_000, 150),
        result("billing topology", 27_000, 450), result("billing topology", 25_000, 480));
    String verdict = BillingBenchCommand.verdict(results);
    assertThat(verdict)
        .contains("billing 26,000 events/s = 52% of bare sum, cached 50,000 events/s "
            + "(target >= 80%: missed)")
        .contains("= 87% of bare sum, per event 30,000 events/s (target >= 80%: met)")
        .contains("billing p99 480 ms at the steady rate, worst round (target < 500 ms: met)");
  }

  private static BillingBenchCommand.Result result(String pipeline, double rate, long p99) {
    return new BillingBenchCommand.Result(pipeline, 1, 1000, rate, 10, 10_000, 1000, 50, p99,
        p99 + 10, List.of());
  }
}
