package io.cohort.deploy.bench;

import io.cohort.proto.v1.Encoding;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cohort bench}: coordinator round time and peak memory with N simulated clients in
 * separate processes on 127.0.0.1, for each combination of client count and model size.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Round benchmark: a coordinator in its own JVM and N simulated edge clients,"
        + " one JVM each on 127.0.0.1, returning a constant update; FedAvg over a logistic model"
        + " of the given size. Runs warm-up rounds, then the measured rounds; prints, per"
        + " configuration, the mean and median measured round time, the first (cold) round,"
        + " the warm-up rounds, the coordinator's peak resident memory (VmHWM), its CPU time"
        + " and the bytes moved, as a Markdown table.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--clients", split = ",", defaultValue = "2,8,32",
      description = "Client counts, comma separated (default ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--params", split = ",", defaultValue = "1M,10M",
      converter = ParameterCount.class,
      description = "Model sizes in float32 parameters, e.g. 1M,10M (default ${DEFAULT-VALUE}).")
  List<Long> params;

  @Option(names = "--rounds", defaultValue = "5",
      description = "Measured rounds per configuration (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warmup-rounds", defaultValue = "5",
      description = "Rounds run first and not measured, while 1 + N JVMs compile their hot"
          + " code (default ${DEFAULT-VALUE}); their times are still printed.")
  int warmupRounds;

  @Option(names = "--encoding", defaultValue = "float32",
      description = "Update encoding: float32 or float16 (default ${DEFAULT-VALUE}).")
  String encoding;

  @Option(names = "--coordinator-heap", defaultValue = "600m",
      description = "Coordinator -Xmx (default ${DEFAULT-VALUE}).")
  String coordinatorHeap;

  @Option(names = "--coordinator-jvm", split = " ", defaultValue = "",
      description = "Extra coordinator JVM flags, space separated (e.g. a JFR recording).")
  List<String> coordinatorJvm;

  @Option(names = "--client-jvm", split = " ", defaultValue = "",
      description = "Extra client JVM flags, space separated; {node} is replaced by the node id"
          + " (e.g. a JFR recording per client).")
  List<String> clientJvm;

  @Option(names = "--work-dir", description = "Folder for data and logs (default: a new"
      + " temporary folder).")
  Path workDir;

  @Option(names = "--out", description = "Also write the output to this file.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
    }
    if (warmupRounds < 0) {
      throw new IllegalArgumentException("--warmup-rounds must be 0 or more, got "
          + warmupRounds);
    }
    for (int n : clients) {
      if (n < 1 || n > 256) {
        throw new IllegalArgumentException("--clients values must be 1 to 256, got " + n);
      }
    }
    Encoding enc = switch (encoding.toLowerCase(Locale.ROOT)) {
      case "float32" -> Encoding.FLOAT32;
      case "float16" -> Encoding.FLOAT16;
      default -> throw new IllegalArgumentException("--encoding must be float32 or float16, got '"
          + encoding + "'");
    };
    Path dir = workDir != null ? workDir : Files.createTempDirectory("cohort-bench");
    StringBuilder report = new StringBuilder();
    PrintStream console = System.out;
    line(report, console, "machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
        + System.getProperty("java.version") + ", load average "
        + String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage()));
    line(report, console, "command: cohort bench --clients " + join(clients) + " --params "
        + String.join(",", params.stream().map(ParameterCount::format).toList()) + " --warmup-rounds "
        + warmupRounds + " --rounds " + rounds + " --encoding " + encoding);
    line(report, console, "coordinator JVM: " + String.join(" ", coordinatorFlags()));
    line(report, console, "");
    List<BenchResult> results = new ArrayList<>();
    List<String> details = new ArrayList<>();
    for (long p : params) {
      for (int n : clients) {
        Path runDir = dir.resolve(n + "x" + ParameterCount.format(p) + "-" + encoding);
        console.println("running " + n + " clients x " + ParameterCount.format(p) + " ("
            + runDir + ")...");
        BenchResult r = new RoundBenchmark(n, p, warmupRounds, rounds, enc,
            new RoundBenchmark.JvmSettings(coordinatorFlags(), clientFlags(p)), runDir).run();
        results.add(r);
        details.add(ResultTable.rounds(r));
        console.println(ResultTable.rounds(r));
      }
    }
    line(report, console, "");
    line(report, console, ResultTable.header());
    results.forEach(r -> line(report, console, ResultTable.row(r)));
    line(report, console, "");
    details.forEach(d -> line(report, console, d));
    line(report, console, "load average after: " + String.format(Locale.ROOT, "%.2f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    if (out != null) {
      Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
    }
    return 0;
  }

  private List<String> coordinatorFlags() {
    List<String> flags = new ArrayList<>(List.of("-Xmx" + coordinatorHeap,
        "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:PretenureSizeThreshold=2m",
        "-Xmn64m"));
    coordinatorJvm.stream().filter(s -> !s.isBlank()).forEach(flags::add);
    return flags;
  }

  /**
   * A small heap per simulated client (its constant update and that update's encoding, with
   * room so the collector is not busy), the serial collector, and C1 only, compiling early.
   * A simulated client does almost no Java work of its own (its update is encoded once, the
   * model's bytes are skipped, not copied); what it runs is the gRPC and Netty stack, and C2
   * compiling that stack in 32 JVMs at once took half of both cores for the first ten rounds.
   * C1 compiles it in a fraction of the time; with the default thresholds methods called once
   * per chunk stayed interpreted for several rounds, hence the scaling.
   */
  private List<String> clientFlags(long parameters) {
    long heapMib = Math.max(64, parameters * 4 * 2 / (1 << 20) + 64);
    List<String> flags = new ArrayList<>(List.of("-Xmx" + heapMib + "m", "-XX:+UseSerialGC",
        "-XX:PretenureSizeThreshold=2m", "-Xmn32m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError",
        "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.05"));
    clientJvm.stream().filter(s -> !s.isBlank()).forEach(flags::add);
    return flags;
  }

  private static void line(StringBuilder report, PrintStream console, String s) {
    report.append(s).append('\n');
    console.println(s);
  }

  private static String join(List<Integer> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }
}
