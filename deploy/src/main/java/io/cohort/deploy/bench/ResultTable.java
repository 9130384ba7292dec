package io.cohort.deploy.bench;

import java.util.List;
import java.util.Locale;

/** The benchmark's table in Markdown, so it pastes into docs/benchmarks.md as is. */
final class ResultTable {

  private ResultTable() {}

  static String header() {
    return "| clients | parameters | update encoding | round mean s | round median s"
        + " | first round s | warm-up rounds 2.. mean s | coordinator peak RSS MiB"
        + " | coordinator CPU s/round | payload MB/round | coordinator I/O MB/round |\n"
        + "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  }

  static String row(BenchResult r) {
    double warmup = r.warmupMeanMillis();
    return String.format(Locale.ROOT,
        "| %d | %s | %s | %.2f | %.2f | %.2f | %s | %d | %.2f | %.0f | %.0f |",
        r.clients(), ParameterCount.format(r.parameters()), r.encoding(),
        r.meanMillis() / 1000.0, r.medianMillis() / 1000.0, r.firstRoundMillis() / 1000.0,
        Double.isNaN(warmup) ? "-" : String.format(Locale.ROOT, "%.2f", warmup / 1000.0),
        r.coordinatorPeakRssKib() / 1024, r.coordinatorCpuSeconds() / r.measuredRounds(),
        r.payloadBytesPerRound() / 1e6, r.coordinatorIoBytes() / 1e6 / r.measuredRounds());
  }

  static String rounds(BenchResult r) {
    List<String> s = r.roundMillis().stream()
        .map(ms -> String.format(Locale.ROOT, "%.2f", ms / 1000.0)).toList();
    return r.clients() + " x " + ParameterCount.format(r.parameters()) + " " + r.encoding()
        + ": rounds (s) " + String.join(", ", s.subList(0, r.warmupRounds()))
        + (r.warmupRounds() > 0 ? " | " : "")
        + String.join(", ", s.subList(r.warmupRounds(), s.size()));
  }
}
