package io.cohort.billing.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What the benchmark ran on, and how busy the machine was meanwhile. */
final class MachineInfo {

  private MachineInfo() {}

  /** e.g. {@code 2 cores, 23.5 GiB, AMD EPYC, Java 17.0.15 (OpenJDK 64-Bit Server VM)}. */
  static String describe() {
    long memory = ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    return String.format(Locale.ROOT, "%d cores, %.1f GiB, %s, Java %s (%s), %s %s",
        Runtime.getRuntime().availableProcessors(), memory / (1024.0 * 1024 * 1024), cpuModel(),
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /** CPU time used by this process so far (every thread: broker, Streams, clients). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * CPU time of every live thread of this process by name, numbers folded: on Linux from
   * /proc (so GC, JIT and RocksDB threads are included), elsewhere Java threads only.
   */
  static Map<String, Long> threadCpuNanos() {
    Map<String, Long> byName = new TreeMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (Files.isDirectory(tasks)) {
      try (var dirs = Files.list(tasks)) {
        for (Path task : dirs.toList()) {
          try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            byName.merge(name.replaceAll("[0-9]+", "N"), ticks * 10_000_000L, Long::sum);
          } catch (IOException | RuntimeException e) {
            // the thread ended
          }
        }
        return byName;
      } catch (IOException e) {
        byName.clear();
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        byName.merge(info.getThreadName().replaceAll("[0-9]+", "N"), cpu, Long::sum);
      }
    }
    return byName;
  }

  /** Per-thread-group CPU ms between two {@link #threadCpuNanos()} snapshots, largest first. */
  static String threadCpuDelta(Map<String, Long> before, Map<String, Long> after,
      long processNanos) {
    StringBuilder s = new StringBuilder();
    long javaThreads = 0;
    List<Map.Entry<String, Long>> deltas = new ArrayList<>();
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      javaThreads += d;
      deltas.add(Map.entry(e.getKey(), d));
    }
    deltas.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    for (Map.Entry<String, Long> e : deltas.subList(0, Math.min(16, deltas.size()))) {
      s.append(String.format(Locale.ROOT, "  %8d ms  %s%n", e.getValue() / 1_000_000,
          e.getKey()));
    }
    s.append(String.format(Locale.ROOT, "  %8d ms  (threads that ended)%n",
        (processNanos - javaThreads) / 1_000_000));
    return s.toString();
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "CPU model unknown";
  }

  /**
   * Samples the 1-minute load average and this process's CPU use once a second on a daemon
   * thread, from construction until {@link #close()}.
   */
  static final class LoadSampler implements AutoCloseable {
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Thread thread;
    private final double start;
    private double loadSum;
    private double loadMax;
    private double processCpuSum;
    private int samples;
    private volatile boolean closing;

    LoadSampler() {
      start = os.getSystemLoadAverage();
      thread = new Thread(this::run, "bench-load-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!closing) {
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          return;
        }
        double load = os.getSystemLoadAverage();
        double cpu = os.getProcessCpuLoad();
        synchronized (this) {
          loadSum += load;
          loadMax = Math.max(loadMax, load);
          processCpuSum += Math.max(cpu, 0) * Runtime.getRuntime().availableProcessors();
          samples++;
        }
      }
    }

    /** e.g. {@code start 2.10, mean 3.41, max 4.02; this process used 1.71 cores on average}. */
    synchronized String summary() {
      if (samples == 0) {
        return String.format(Locale.ROOT, "start %.2f", start);
      }
      return String.format(Locale.ROOT,
          "1-min load average: start %.2f, mean %.2f, max %.2f; this process used %.2f of %d "
              + "cores on average",
          start, loadSum / samples, loadMax, processCpuSum / samples,
          Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void close() {
      closing = true;
      thread.interrupt();
    }
  }
}
