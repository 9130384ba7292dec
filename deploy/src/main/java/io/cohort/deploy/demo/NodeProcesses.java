package io.cohort.deploy.demo;

import io.cohort.deploy.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Edge clients as child JVMs on this machine, each with the JVM settings of this one (DJL
 * offline, no telemetry, thread counts) and its output in {@code logs/<node>.log}.
 */
public final class NodeProcesses implements AutoCloseable {

  private final Path dir;
  private final Map<String, Process> processes = new LinkedHashMap<>();

  public NodeProcesses(Path dir) {
    this.dir = dir;
  }

  /** Starts {@code cohort <args>} as a child process. */
  public synchronized Process start(String name, List<String> args) {
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("logs").resolve(name + ".log").toFile());
    pb.environment().put("OPT_OUT_TRACKING", "true");
    try {
      Process p = pb.start();
      processes.put(name, p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + name, e);
    }
  }

  /** The command line that runs the Cohort launcher in a new JVM configured like this one. */
  public static List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-D") || arg.startsWith("-Xmx") || arg.startsWith("-XX:")) {
        if (!arg.startsWith("-Dcohort.demo") && !arg.contains("jdwp")) {
          cmd.add(arg);
        }
      }
    }
    for (String key : List.of("ai.djl.offline", "OPT_OUT_TRACKING")) {
      if (System.getProperty(key) == null) {
        cmd.add("-D" + key + "=true");
      }
    }
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.cohort.deploy.CohortMain");
    return cmd;
  }

  /** Fails with the node's log location if a node process died. */
  public synchronized void checkAlive() {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (!e.getValue().isAlive()) {
        throw new UserError("node " + e.getKey() + " exited with code "
            + e.getValue().exitValue() + "; see " + dir.resolve("logs")
            .resolve(e.getKey() + ".log"));
      }
    }
  }

  @Override
  public synchronized void close() {
    for (Process p : processes.values()) {
      p.destroy();
    }
    for (Process p : processes.values()) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    processes.clear();
  }
}
