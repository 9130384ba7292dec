package io.cohort.deploy.bench;

import java.util.List;
import java.util.Locale;

/** The benchmark's table in Markdown, so it pastes into docs/benchmarks.md as is. */
final class ResultTable {

  private ResultTable() {}

  static String header() {
    return "| clients | parameters | update encoding | warm round mean s | warm round median s"
        + " | first round s | coordinator peak RSS MiB | coordinator CPU s/round | payload MB/round"
        + " | coordinator I/O MB/round |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|";
  }

  static String row(BenchResult r) {
    return String.format(Locale.ROOT, "| %d | %s | %s | %.2f | %.2f | %.2f | %d | %.2f | %.0f | %.0f |",
        r.clients(), ParameterCount.format(r.parameters()), r.encoding(),
        r.warmMeanMillis() / 1000.0, r.warmMedianMillis() / 1000.0,
        r.firstRoundMillis() / 1000.0, r.coordinatorPeakRssKib() / 1024,
        r.coordinatorCpuSeconds() / r.roundMillis().size(), r.payloadBytesPerRound() / 1e6,
        r.coordinatorIoBytes() / 1e6 / r.roundMillis().size());
  }

  static String rounds(BenchResult r) {
    List<String> s = r.roundMillis().stream()
        .map(ms -> String.format(Locale.ROOT, "%.2f", ms / 1000.0)).toList();
    return r.clients() + " x " + ParameterCount.format(r.parameters()) + " " + r.encoding()
        + ": rounds (s) " + String.join(", ", s);
  }
}
