package io.cohort.edge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClientCommandPrivacyTest {

  @TempDir
  Path dir;

  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  /** Runs the command with the launcher's conventions: bad input is one line and exit 2. */
  private int run(String... args) {
    CommandLine cli = new CommandLine(new ClientCommand());
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    cli.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("cohort: " + ex.getMessage());
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, c, parseResult) -> {
      if (ex instanceof IllegalArgumentException) {
        c.getErr().println("cohort: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cli.execute(args);
  }

  private String[] withData(String... privacy) {
    String[] base = {"--node", "n1", "--data", dir.resolve("missing.csv").toString(),
        "--schema", dir.resolve("missing.yaml").toString(), "--privacy-ledger",
        dir.resolve("ledger.jsonl").toString()};
    String[] all = new String[base.length + privacy.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(privacy, 0, all, base.length, privacy.length);
    return all;
  }

  @Test
  void aZeroNoiseMultiplierIsRefusedBeforeAnythingIsLoadedOrTrained() {
    int code = run(withData("--dp", "on", "--noise-multiplier", "0", "--epsilon-budget", "3"));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("noise multiplier sigma (--noise-multiplier) must be a"
        + " finite number > 0, got 0.0");
    assertThat(Files.exists(dir.resolve("ledger.jsonl"))).isFalse();
  }

  @Test
  void everyBadSettingIsNamedWithItsRange() {
    assertThat(run(withData("--dp", "--clip-norm", "-1", "--epsilon-budget", "3"))).isEqualTo(2);
    assertThat(run(withData("--dp", "on", "--delta", "1.5", "--epsilon-budget", "3")))
        .isEqualTo(2);
    assertThat(run(withData("--dp", "on", "--epsilon-budget", "0"))).isEqualTo(2);
    assertThat(run(withData("--dp", "on"))).isEqualTo(2);
    assertThat(run(withData("--dp", "on", "--target-epsilon", "3"))).isEqualTo(2);

    assertThat(err.toString().lines()).containsExactly(
        "cohort: clipping norm C (--clip-norm) must be a finite number > 0, got -1.0",
        "cohort: delta (--delta) must be in (0, 1), got 1.5",
        "cohort: epsilon budget (--epsilon-budget) must be a finite number > 0, got 0.0",
        "cohort: --epsilon-budget is required with --dp on (or give --target-epsilon, which is"
            + " then the budget)",
        "cohort: planned rounds (--planned-rounds) must be >= 1 to solve sigma from a target"
            + " epsilon, got 0");
  }

  @Test
  void privacyOptionsWithoutDpAreRefusedRatherThanIgnored() {
    assertThat(run(withData("--noise-multiplier", "1.1"))).isEqualTo(2);
    assertThat(run("--node", "n1", "--simulate-elements", "10", "--simulate-input-features", "3",
        "--dp", "on", "--epsilon-budget", "3")).isEqualTo(2);
    assertThat(run(withData("--dp", "maybe"))).isEqualTo(2);

    assertThat(err.toString()).contains("privacy options were given but DP-SGD is off")
        .contains("--dp on needs --data").contains("use on or off, got 'maybe'");
  }

  @Test
  void aCorruptedLedgerStopsTheNodeBeforeItStartsAndTheFileIsLeftForTheOperator()
      throws Exception {
    Path ledger = dir.resolve("ledger.jsonl");
    Files.writeString(ledger, "{\"round\":1,\"oops\n");
    String[] args = withRealData("--dp", "on", "--epsilon-budget", "3");

    assertThat(run(args)).isEqualTo(2);

    assertThat(err.toString()).contains("cohort: the privacy ledger " + ledger.toAbsolutePath()
        + " is corrupted at line 1").contains("will not train until an operator repairs");
    assertThat(Files.readString(ledger)).isEqualTo("{\"round\":1,\"oops\n");
  }

  @Test
  void anExpectedBatchLargerThanTheTrainingSplitIsRefused() throws Exception {
    assertThat(run(withRealData("--dp", "on", "--epsilon-budget", "3", "--expected-batch",
        "500"))).isEqualTo(2);

    assertThat(err.toString()).contains("sampling rate q = expected batch / records = 500 / ")
        .contains("must be in (0, 1]");
  }

  /** A real CSV of 40 rows and its schema, so the command gets as far as the ledger. */
  private String[] withRealData(String... privacy) throws Exception {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i).append(',').append(i % 2).append('\n');
    }
    Files.writeString(dir.resolve("missing.csv"), csv);
    Files.writeString(dir.resolve("missing.yaml"), """
        label: {column: y, classes: ["0", "1"]}
        features:
          - {name: x, type: numeric}
        normalization: none
        """);
    return withData(privacy);
  }

  @Test
  void helpListsEveryPrivacyFlag() {
    assertThat(run("--help")).isZero();

    assertThat(out.toString()).contains("--dp", "--epsilon-budget", "--noise-multiplier",
        "--target-epsilon", "--planned-rounds", "--clip-norm", "--delta", "--expected-batch",
        "--privacy-ledger", "--node-dir", "BUDGET_EXHAUSTED", "min(1.0E-5, 1/(10 n))");
  }
}
