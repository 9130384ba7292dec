package io.cohort.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.deploy.CohortMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A short benchmark run of both engines answers every request and prints both tables (no timing
 * asserted).
 */
class InferenceBenchCommandTest {

  @Test
  void shortRunPrintsClosedAndOpenLoopTablesWithEveryRequestAnswered() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = CohortMain.commandLine().execute("inference-bench", "--seconds", "0.3",
          "--concurrency", "1,2", "--rate", "200", "--open-seconds", "1", "--no-engines");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);

    assertThat(code).isZero();
    for (String engine : new String[] {"java", "djl"}) {
      assertThat(out).contains("| " + engine + " | on | 1 |")
          .contains("| " + engine + " | off | 2 |")
          .containsPattern("\\| " + engine + " \\| on \\| 200 \\| 200 \\|")
          .containsPattern("\\| " + engine + " \\| off \\| 200 \\| 200 \\|");
    }
  }
}
