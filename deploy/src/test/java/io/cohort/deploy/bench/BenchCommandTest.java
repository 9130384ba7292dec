package io.cohort.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.deploy.CohortMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cohort bench} end to end at a tiny size: a real coordinator JVM and two simulated client
 * JVMs on 127.0.0.1; the table it writes holds the configuration, its rounds and a peak RSS.
 */
class BenchCommandTest {

  @TempDir Path dir;

  @Test
  void tinyBenchmarkRunsEveryRoundAndReportsTimesAndPeakMemory() throws Exception {
    Path out = dir.resolve("bench.md");

    int code = CohortMain.commandLine().execute("bench", "--clients", "2", "--params", "2K",
        "--warmup-rounds", "2", "--rounds", "3", "--work-dir", dir.resolve("work").toString(), "--out", out.toString());

    assertThat(code).isZero();
    String report = Files.readString(out);
    assertThat(report).contains("| clients | parameters |").contains("command: cohort bench");
    Matcher row = Pattern.compile("\\| 2 \\| 2K \\| float32 \\| ([0-9.]+) \\| ([0-9.]+) \\|"
        + " ([0-9.]+) \\| ([0-9.]+) \\| (\\d+) \\|").matcher(report);
    assertThat(row.find()).as("result row in %s", report).isTrue();
    assertThat(Long.parseLong(row.group(5))).as("coordinator peak RSS MiB").isPositive();
    // 2 warm-up rounds, then the 3 measured ones.
    assertThat(report).containsPattern("2 x 2K float32: rounds \\(s\\) [0-9.]+, [0-9.]+ \\|"
        + " [0-9.]+, [0-9.]+, [0-9.]+\\n");
  }

  @Test
  void badSettingsAreRefusedWithOneLineNamingThem() {
    StringWriter err = new StringWriter();
    var cli = CohortMain.commandLine();
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("bench", "--rounds", "0", "--work-dir", dir.toString())).isEqualTo(2);
    assertThat(cli.execute("bench", "--warmup-rounds", "-1", "--work-dir", dir.toString()))
        .isEqualTo(2);
    assertThat(cli.execute("bench", "--params", "3", "--work-dir", dir.toString())).isEqualTo(2);
    assertThat(cli.execute("bench", "--encoding", "int8", "--work-dir", dir.toString()))
        .isEqualTo(2);

    assertThat(err.toString()).contains("--rounds must be at least 1")
        .contains("--warmup-rounds must be 0 or more")
        .contains("parameter count 3 must be even").contains("--encoding must be float32 or"
            + " float16");
    assertThat(dir.resolve("work")).doesNotExist();
  }
}
