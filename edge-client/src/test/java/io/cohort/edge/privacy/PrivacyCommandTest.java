package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class PrivacyCommandTest {

  private static final Pattern EPSILON_JSON =
      Pattern.compile("\\{\"epsilon\":([0-9.Ee+-]+),\"order\":([0-9.]+)\\}");

  record Run(int exitCode, String out, String err) {
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new PrivacyCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void epsilonPrintsOneLine() {
    Run r = run("epsilon", "--q", "0.004", "--sigma", "1.1", "--steps", "15000", "--delta",
        "1e-5", "--conversion", "classic");
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(
        "epsilon = 2.90505, order = 9.1 (delta = 0.00001, classic conversion)"
            + System.lineSeparator());
  }

  @Test
  void epsilonJsonIsExactlyEpsilonAndOrder() {
    Run r = run("epsilon", "--q", "0.004", "--sigma", "1.1", "--steps", "15000", "--delta",
        "1e-5", "--json");
    assertThat(r.exitCode()).isZero();
    String line = r.out().strip();
    assertThat(r.out().lines()).hasSize(1);
    Matcher m = EPSILON_JSON.matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    // Default conversion: Balle.
    assertThat(Double.parseDouble(m.group(1))).isCloseTo(2.5028709266, within(1e-8));
    assertThat(m.group(2)).isEqualTo("8.4");

    Run classic = run("epsilon", "--q=0.004", "--sigma=1.1", "--steps=15000", "--delta=1e-5",
        "--json", "--conversion=CLASSIC");
    Matcher c = EPSILON_JSON.matcher(classic.out().strip());
    assertThat(c.matches()).isTrue();
    assertThat(Double.parseDouble(c.group(1))).isCloseTo(2.9050453035, within(1e-8));
  }

  @Test
  void zeroStepsIsEpsilonZero() {
    Run r = run("epsilon", "--q", "0.01", "--sigma", "1", "--steps", "0", "--delta", "1e-5",
        "--json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().strip()).isEqualTo("{\"epsilon\":0.0,\"order\":1.1}");
  }

  @Test
  void sigmaSolvesForTheTarget() {
    Run r = run("sigma", "--q", "0.004", "--steps", "15000", "--delta", "1e-5", "--epsilon",
        "2.9050453035", "--conversion", "classic", "--json");
    assertThat(r.exitCode()).isZero();
    Matcher m = Pattern.compile(
        "\\{\"sigma\":([0-9.Ee+-]+),\"epsilon\":([0-9.Ee+-]+),\"order\":9\\.1\\}")
        .matcher(r.out().strip());
    assertThat(m.matches()).as(r.out()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isCloseTo(1.1, within(1e-6));
    assertThat(Double.parseDouble(m.group(2))).isCloseTo(2.9050453035, within(1e-6));

    Run text = run("sigma", "--q", "0.004", "--steps", "15000", "--delta", "1e-5", "--epsilon",
        "3");
    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).matches("sigma = [0-9.]+, epsilon = [0-9.]+, order = [0-9.]+ "
        + "\\(delta = 0\\.00001, balle conversion\\)\\R");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
      "epsilon --q 0.01 --sigma 1 --steps 10 --delta 1.5 | --delta must be in (0, 1), got 1.5",
      "epsilon --q 0.01 --sigma 1 --steps 10 --delta 0 | --delta must be in (0, 1), got 0.0",
      "epsilon --q 0 --sigma 1 --steps 10 --delta 1e-5 | --q (sampling rate) must be in (0, 1]",
      "epsilon --q 1.2 --sigma 1 --steps 10 --delta 1e-5 | --q (sampling rate) must be in (0, 1]",
      "epsilon --q 0.01 --sigma 0 --steps 10 --delta 1e-5 | --sigma (noise multiplier) must be a "
          + "finite number > 0, got 0.0",
      "epsilon --q 0.01 --sigma -2 --steps 10 --delta 1e-5 | --sigma (noise multiplier)",
      "epsilon --q 0.01 --sigma 1 --steps -3 --delta 1e-5 | --steps must be >= 0, got -3",
      "epsilon --q 0.01 --steps 10 --delta 1e-5 | Missing required option: '--sigma=S'",
      "epsilon --q abc --sigma 1 --steps 10 --delta 1e-5 | Invalid value for option '--q'",
      "epsilon --q 0.01 --sigma 1 --steps 10 --delta 1e-5 --conversion rényi | "
          + "expected 'balle' or 'classic', got 'rényi'",
      "epsilon --q 0.01 --sigma 1 --steps 10 --delta 1e-5 --bogus | Unknown option: '--bogus'",
      "sigma --q 0.01 --steps 10 --delta 1e-5 --epsilon 0 | --epsilon (target epsilon) must be a "
          + "finite number > 0, got 0.0",
      "sigma --q 0.01 --steps 0 --delta 1e-5 --epsilon 1 | --steps must be >= 1, got 0",
      "sigma --q 0.01 --steps 1000 --delta 1e-10 --epsilon 0.001 | epsilon 0.001 is unreachable",
      "'' | missing subcommand: use 'epsilon' or 'sigma'",
  })
  void badInputIsExitCodeTwoAndOneLineOnStderr(String args, String message) {
    Run r = run(args.isEmpty() ? new String[0] : args.split(" "));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains(message).contains("--help");
  }

  @Test
  void helpTextsDescribeEveryOption() {
    Run root = run("--help");
    assertThat(root.exitCode()).isZero();
    assertThat(root.out()).contains("epsilon", "sigma", "Renyi", "Exit codes");

    Run epsilon = run("epsilon", "--help");
    assertThat(epsilon.exitCode()).isZero();
    assertThat(epsilon.out()).contains("--q=Q", "--sigma=S", "--steps=T", "--delta=D",
        "--conversion=balle|classic", "Default: balle", "--json", "{\"epsilon\":", "Exit codes");

    Run sigma = run("sigma", "--help");
    assertThat(sigma.exitCode()).isZero();
    assertThat(sigma.out()).contains("--q=Q", "--steps=T", "--delta=D", "--epsilon=E",
        "--conversion=balle|classic", "--json", "unreachable");
  }
}
