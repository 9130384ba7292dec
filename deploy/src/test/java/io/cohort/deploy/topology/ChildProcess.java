package io.cohort.deploy.topology;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One JVM of the topology, its output in a log file the test reads lines from. */
final class ChildProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ChildProcess start(String name, List<String> command, Map<String, String> env,
      Path logs) {
    Path log = logs.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    try {
      return new ChildProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** Waits for a line matching {@code regex} and returns its first group. */
  String awaitLine(String regex, Duration timeout) {
    Pattern p = Pattern.compile(regex);
    return await(name + " printing " + regex).atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (!process.isAlive() && find(p).isEmpty()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + ":\n"
                + output());
          }
          return find(p);
        }, Optional::isPresent).orElseThrow();
  }

  private Optional<String> find(Pattern p) throws IOException {
    for (String line : Files.readAllLines(log)) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        return Optional.of(m.groupCount() > 0 ? m.group(1) : line);
      }
    }
    return Optional.empty();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  Process process() {
    return process;
  }

  String name() {
    return name;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
