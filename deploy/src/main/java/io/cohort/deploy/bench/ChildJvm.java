package io.cohort.deploy.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Cohort command ({@code cohort <args>}) in its own JVM with the given JVM flags, its output in a
 * log file. The DJL offline and no-telemetry settings are always set, whatever the command.
 */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ChildJvm start(List<String> jvmFlags, List<String> args, Path log) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-DOPT_OUT_TRACKING=true");
    String tmp = System.getProperty("java.io.tmpdir");
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.cohort.deploy.CohortMain");
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("OPT_OUT_TRACKING", "true");
    try {
      return new ChildJvm(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", args), e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** The log so far (empty if unreadable). */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** One field of /proc/[pid]/status in KiB (e.g. VmHWM, the peak resident set), or -1. */
  long procStatusKib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** CPU time (user + system) used so far, in seconds, or -1 (assumes 100 clock ticks/s). */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Bytes read plus written through system calls (sockets and files) so far, or -1. */
  long ioBytes() {
    try {
      long sum = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "io"))) {
        if (line.startsWith("rchar:") || line.startsWith("wchar:")) {
          sum += Long.parseLong(line.substring(6).trim());
        }
      }
      return sum;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
