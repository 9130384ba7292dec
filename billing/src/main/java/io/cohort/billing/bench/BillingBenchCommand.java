package io.cohort.billing.bench;

import io.cohort.billing.cli.BillingCommand;
import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.kafka.EmbeddedKafka;
import io.cohort.billing.stream.BillingService;
import io.cohort.billing.stream.BillingSettings;
import io.cohort.proto.v1.UsageEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code billing-bench}: how fast the billing topology turns usage events into ledger entries,
 * exactly once, next to a bare Kafka Streams per-account sum in the same run.
 *
 * <p>Each pipeline runs on its own fresh in-process broker ({@link EmbeddedKafka}) with the
 * same topics and Streams settings. Throughput: a backlog of usage events is written first,
 * then the application starts; events per second from RUNNING until the output topic (read
 * committed) holds everything the reference expects. Latency: the producer then sends at a
 * steady rate, each event timed when it is sent; latency is when its first output record is
 * read (committed) minus that time. At the end the output is checked against a reference
 * computed in the driver: every balance (billing) or sum (bare) must match exactly, and the
 * ledger audit must be clean. Pipelines alternate order across rounds.
 */
@Command(name = "billing-bench", mixinStandardHelpOptions = true,
    header = "Measures billing throughput and latency against a bare Kafka Streams sum.",
    description = {
        "Measures the billing topology against a bare Kafka Streams per-account sum, both with",
        "exactly_once_v2 on an in-process broker: sustained events/s and latency at a steady",
        "rate, with every result checked against a reference. Prints a Markdown table."})
public final class BillingBenchCommand implements Callable<Integer> {

  /** Throughput ratio (billing / bare sum) the issue asks for. */
  static final double TARGET_RATIO = 0.80;
  /** p99 latency at the steady rate the issue asks for. */
  static final long TARGET_P99_MS = 500;

  private static final java.util.Set<String> DIAGNOSTIC_METRICS = java.util.Set.of(
      "batch-size-avg", "records-per-request-avg", "request-total", "commit-total",
      "commit-latency-avg", "produce-throttle-time-avg", "record-queue-time-avg",
      "request-latency-avg", "poll-records-avg", "process-records-avg", "txn-commit-time-ns-total",
      "flush-time-ns-total");

  @Spec
  CommandSpec spec;

  @Option(names = "--events", defaultValue = "200000",
      description = "Usage events in the throughput backlog. Default: ${DEFAULT-VALUE}.")
  int events;

  @Option(names = "--rate", defaultValue = "10000",
      description = "Steady send rate of the latency phase, events/s. Default: ${DEFAULT-VALUE}.")
  int rate;

  @Option(names = "--latency-seconds", defaultValue = "20",
      description = "Length of the latency phase. Default: ${DEFAULT-VALUE}.")
  int latencySeconds;

  @Option(names = "--warmup-seconds", defaultValue = "2",
      description = "Start of the latency phase left out of the percentiles. "
          + "Default: ${DEFAULT-VALUE}.")
  int warmupSeconds;

  @Option(names = "--warmup-events", defaultValue = "100000",
      description = "Before round 1, each pipeline runs once on this many events (and a short "
          + "steady phase) to warm up the JIT; not reported. 0 = no warm-up. "
          + "Default: ${DEFAULT-VALUE}.")
  int warmupEvents;

  @Option(names = "--rounds", defaultValue = "2",
      description = "Runs of each pipeline (alternating order). Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--consumers", defaultValue = "100",
      description = "Consumer accounts (every fifth a subscriber, every tenth public-benefit). "
          + "Default: ${DEFAULT-VALUE}.")
  int consumers;

  @Option(names = "--partitions", defaultValue = "3",
      description = "Partitions of every topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--pipelines", split = ",", defaultValue = "sum-cached,sum,billing",
      description = "Which pipelines, in order: sum-cached, sum (one output per event), "
          + "billing. Default: ${DEFAULT-VALUE}.")
  List<String> pipelines;

  @Option(names = "--work-dir", defaultValue = "data/billing-bench",
      description = "Brokers' logs and Streams state, deleted after each run. "
          + "Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(names = "--thread-cpu",
      description = "Print the CPU time of each thread group over the backlog (standard error).")
  boolean threadCpu;

  @Option(names = "--output", description = "Also write the report (Markdown) to this file.")
  Path output;

  /** One run of one pipeline. */
  record Result(String pipeline, int round, int events, double eventsPerSecond,
      double cpuMicrosPerEvent, double sentPerSecond, int samples, long p50Ms, long p99Ms, long maxMs,
      List<String> problems) {

    boolean exact() {
      return problems.isEmpty();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    BillingSettings settings = serviceDefaults();
    BenchWorkload workload = new BenchWorkload(consumers);
    List<BenchPipeline> selected = new ArrayList<>();
    for (String name : pipelines) {
      selected.add(switch (name.trim()) {
        case "sum-cached" -> new BareSumPipeline(true);
        case "sum" -> new BareSumPipeline(false);
        case "billing" -> new BillingPipeline(settings);
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown pipeline '" + name + "'; use sum-cached, sum or billing");
      });
    }
    String command = "cohort billing-bench " + String.join(" ",
        spec.commandLine().getParseResult().originalArgs());
    List<Result> results = new ArrayList<>();
    String load;
    try (MachineInfo.LoadSampler sampler = new MachineInfo.LoadSampler()) {
      if (warmupEvents > 0) {
        for (BenchPipeline pipeline : selected) {
          Result r = runOne(pipeline, 0, warmupEvents, 2, workload, settings);
          spec.commandLine().getErr().printf(Locale.ROOT,
              "%s warm-up: %.0f events/s, %s%n", r.pipeline(), r.eventsPerSecond(),
              r.exact() ? "exact" : "NOT EXACT " + r.problems());
        }
      }
      for (int round = 1; round <= rounds; round++) {
        List<BenchPipeline> order = new ArrayList<>(selected);
        if (round % 2 == 0) {
          java.util.Collections.reverse(order);
        }
        for (BenchPipeline pipeline : order) {
          Result r = runOne(pipeline, round, events, latencySeconds, workload, settings);
          spec.commandLine().getErr().printf(Locale.ROOT,
              "%s round %d: %.0f events/s, p99 %d ms, %s%n", r.pipeline(), round,
              r.eventsPerSecond(), r.p99Ms(), r.exact() ? "exact" : "NOT EXACT " + r.problems());
          results.add(r);
        }
      }
      load = sampler.summary();
    }
    String report = report(command, load, results);
    out.print(report);
    out.flush();
    if (output != null) {
      Files.writeString(output, report);
    }
    return results.stream().allMatch(Result::exact) ? 0 : 1;
  }

  /** The settings `cohort billing` runs with when given no options. */
  static BillingSettings serviceDefaults() {
    BillingCommand defaults = new BillingCommand();
    new CommandLine(defaults).parseArgs();
    return defaults.settings();
  }

  private Result runOne(BenchPipeline pipeline, int round, int events, int latencySeconds,
      BenchWorkload workload, BillingSettings settings) throws Exception {
    Path dir = workDir.resolve(pipeline.label().replaceAll("[^a-z]+", "-") + "-" + round);
    deleteRecursively(dir);
    List<UsageEvent> backlog = new ArrayList<>(events);
    BenchWorkload.Generator backlogEvents = workload.generator("backlog", 1);
    long backlogTime = System.currentTimeMillis();
    for (int i = 0; i < events; i++) {
      backlog.add(backlogEvents.next(backlogTime));
    }
    BillingReference reference = new BillingReference(workload, settings);
    long t0;
    long t1;
    long cpu0;
    long cpu1;
    double sentPerSecond;
    BenchPipeline.Tally tally = pipeline.tally();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), true)) {
      String bootstrap = kafka.bootstrapServers();
      CohortTopics.ensure(bootstrap, partitions, (short) 1, 30_000);
      pipeline.prepare(bootstrap, partitions);
      try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
        workload.publishCatalog(producer);
        for (UsageEvent e : backlog) {
          send(producer, e);
          reference.add(e);
        }
        producer.flush();
        Duration timeout = Duration.ofSeconds(Math.max(120, events / 1_000));
        try (OutputWatcher watcher = new OutputWatcher(bootstrap, pipeline.outputTopic(), tally)) {
          BooleanSupplier backlogDone = tally.reached(reference);
          try (BenchPipeline.App app = pipeline.start(bootstrap, dir.resolve("state"),
              "bench-" + pipeline.label().replaceAll("[^a-z]+", "-") + "-" + round)) {
            t0 = System.currentTimeMillis();
            cpu0 = MachineInfo.processCpuNanos();
            Map<String, Long> threads0 = threadCpu ? MachineInfo.threadCpuNanos() : Map.of();
            t1 = watcher.awaitUntil(backlogDone, timeout);
            cpu1 = MachineInfo.processCpuNanos();
            if (threadCpu) {
              spec.commandLine().getErr().printf("%s round %d: CPU by thread over the backlog%n%s",
                  pipeline.label(), round, MachineInfo.threadCpuDelta(threads0,
                      MachineInfo.threadCpuNanos(), cpu1 - cpu0));
              app.streams().metrics().forEach((name, metric) -> {
                if (DIAGNOSTIC_METRICS.contains(name.name())) {
                  spec.commandLine().getErr().printf("  %s %s = %s%n", name.group(),
                      name.name(), metric.metricValue());
                }
              });
            }
            long phaseStart = System.currentTimeMillis();
            tally.measureFrom(phaseStart + warmupSeconds * 1_000L);
            BenchWorkload.Generator steady = workload.generator("steady", 2);
            List<UsageEvent> sent = new ArrayList<>(rate * latencySeconds);
            long elapsedNanos = sendSteadily(producer, steady, latencySeconds, sent);
            sentPerSecond = sent.size() * 1e9 / elapsedNanos;
            sent.forEach(reference::add);
            watcher.awaitUntil(tally.reached(reference), timeout);
          }
        }
      }
      List<String> problems = tally.verify(bootstrap, reference);
      Latencies latencies = tally.latencies();
      return new Result(pipeline.label(), round, events, events * 1000.0 / Math.max(1, t1 - t0),
          (cpu1 - cpu0) / 1000.0 / events,
          sentPerSecond, latencies.size(), latencies.percentile(50), latencies.percentile(99),
          latencies.percentile(100), problems);
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Sends {@code rate} events per second for {@code latencySeconds}; returns the time taken. */
  private long sendSteadily(KafkaProducer<String, byte[]> producer,
      BenchWorkload.Generator generator, int latencySeconds, List<UsageEvent> sent) {
    long total = (long) rate * latencySeconds;
    long start = System.nanoTime();
    while (sent.size() < total) {
      long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
      while (sent.size() < due) {
        UsageEvent e = generator.next(System.currentTimeMillis());
        send(producer, e);
        sent.add(e);
      }
      LockSupport.parkNanos(200_000);
    }
    producer.flush();
    return System.nanoTime() - start;
  }

  private static void send(KafkaProducer<String, byte[]> producer, UsageEvent e) {
    producer.send(new ProducerRecord<>(CohortTopics.USAGE, null, e.getTimeMs(),
        e.getConsumerId(), e.toByteArray()));
  }

  /** An idempotent acks=all producer configured as Cohort's event publisher is. */
  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
  }

  /** The report: machine, command, load, one row per run, and the verdict on the targets. */
  String report(String command, String load, List<Result> results) {
    StringBuilder s = new StringBuilder();
    s.append("machine: ").append(MachineInfo.describe()).append('\n');
    s.append("command: ").append(command).append('\n');
    s.append("load during the run: ").append(load).append('\n');
    s.append(String.format(Locale.ROOT, "setup: in-process KRaft broker per run, %d partitions, "
        + "exactly_once_v2, %d stream threads, %d consumers; backlog %,d events; steady %,d "
        + "events/s for %d s (first %d s not measured); each pipeline warmed up first on %,d "
        + "events; CPU us/event is the whole process's CPU time "
        + "(broker, Streams, watcher) over the backlog%n%n", partitions,
        BillingService.streamThreads(), consumers, events, rate,
        latencySeconds, warmupSeconds, warmupEvents));
    s.append("| pipeline | round | backlog events/s | CPU us/event | steady rate sent/s "
        + "| latency samples | p50 ms | p99 ms | max ms | exact |\n");
    s.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Result r : results) {
      s.append(String.format(Locale.ROOT,
          "| %s | %d | %,.0f | %.1f | %,.0f | %,d | %d | %d | %d | %s |%n",
          r.pipeline(), r.round(), r.eventsPerSecond(), r.cpuMicrosPerEvent(), r.sentPerSecond(),
          r.samples(),
          r.p50Ms(), r.p99Ms(), r.maxMs(), r.exact() ? "yes" : "NO: " + r.problems()));
    }
    s.append('\n').append(verdict(results));
    return s.toString();
  }

  /** Billing's mean throughput over each bare sum's, and its worst p99, against the targets. */
  static String verdict(List<Result> results) {
    double billing = meanThroughput(results, "billing topology");
    long worstP99 = results.stream().filter(r -> r.pipeline().equals("billing topology"))
        .mapToLong(Result::p99Ms).max().orElse(-1);
    if (billing < 0) {
      return "targets: not judged (billing topology not run)\n";
    }
    StringBuilder s = new StringBuilder();
    for (String bare : List.of("bare sum, cached", "bare sum, per event")) {
      double base = meanThroughput(results, bare);
      if (base > 0) {
        double ratio = billing / base;
        s.append(String.format(Locale.ROOT,
            "throughput: billing %,.0f events/s = %.0f%% of %s %,.0f events/s (target >= %.0f%%:"
                + " %s)%n", billing, ratio * 100, bare, base, TARGET_RATIO * 100,
            ratio >= TARGET_RATIO ? "met" : "missed"));
      }
    }
    s.append(String.format(Locale.ROOT, "latency: billing p99 %d ms at the steady rate, worst "
        + "round (target < %d ms: %s)%n", worstP99, TARGET_P99_MS,
        worstP99 >= 0 && worstP99 < TARGET_P99_MS ? "met" : "missed"));
    s.append("exact: ").append(results.stream().allMatch(Result::exact)
        ? "every run's balances and sums equal the reference; ledger audit clean"
        : "NO, see the rows above").append('\n');
    return s.toString();
  }

  private static double meanThroughput(List<Result> results, String pipeline) {
    return results.stream().filter(r -> r.pipeline().equals(pipeline))
        .mapToDouble(Result::eventsPerSecond).average().orElse(-1);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the benchmark and exits with its code (1 when a result is not exact). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BillingBenchCommand()).execute(args));
  }
}
