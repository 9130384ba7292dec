package io.cohort.billing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh directories under the module's target/ folder. */
public final class TestDirs {

  private TestDirs() {}

  public static Path fresh(String prefix) {
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Streams' state directory, under target/kafka-streams. */
  public static Path stateDir(String prefix) {
    try {
      Path base = Path.of(System.getProperty("cohort.billing.state.dir", "target/kafka-streams"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
