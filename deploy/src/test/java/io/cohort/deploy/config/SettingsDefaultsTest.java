package io.cohort.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.deploy.CohortMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsDefaultsTest {

  @TempDir
  Path dir;

  private static <T> T value(CommandLine cli, String[] args, String command, String flag) {
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    return parsed.subcommand().commandSpec().findOption(flag).getValue();
  }

  private Path config(String yaml) throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void configFileKeySetsTheOption() throws Exception {
    String[] args = {"coordinator", "--config", config("port: 7500\nhttp-port: 7501\n").toString()};
    CommandLine cli = ConfigOption.install(CohortMain.commandLine(), args, Map.of());
    assertThat((Integer) value(cli, args, "coordinator", "--port")).isEqualTo(7500);
  }

  @Test
  void flagBeatsEnvironmentBeatsFile() throws Exception {
    Path file = config("port: 7500\nheartbeat-ms: 900\n");
    String[] args = {"coordinator", "--config", file.toString(), "--port", "7700"};
    Map<String, String> env = Map.of("COHORT_PORT", "7600", "COHORT_HEARTBEAT_MS", "800");
    CommandLine cli = ConfigOption.install(CohortMain.commandLine(), args, env);
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    assertThat((Integer) parsed.subcommand().commandSpec().findOption("--port").getValue())
        .isEqualTo(7700);
    assertThat((Long) parsed.subcommand().commandSpec().findOption("--heartbeat-ms").getValue())
        .isEqualTo(800L);
  }

  @Test
  void sectionNamedAfterTheCommandWinsOverTopLevelKey() throws Exception {
    Path file = config("port: 7500\ncoordinator:\n  port: 7900\n");
    String[] args = {"coordinator", "--config", file.toString()};
    CommandLine cli = ConfigOption.install(CohortMain.commandLine(), args, Map.of());
    assertThat((Integer) value(cli, args, "coordinator", "--port")).isEqualTo(7900);
  }

  @Test
  void derivedVariableWorksForOptionsThatOnlyNamedAnOlderOne() throws Exception {
    String[] args = {"client", "--data", "a.csv", "--schema", "s.yaml"};
    CommandLine cli = ConfigOption.install(CohortMain.commandLine(), args,
        Map.of("COHORT_NODE", "cleveland"));
    assertThat((String) value(cli, args, "client", "--node")).isEqualTo("cleveland");
  }

  /** A client command line with a config file of {@code yaml} installed. */
  private String[] clientWithConfig(String yaml) throws Exception {
    Path file = dir.resolve("client.yaml");
    Files.writeString(file, yaml);
    return new String[] {"client", "--config", file.toString(), "--data", "a.csv", "--schema",
        "s"};
  }

  /** Runs {@code args} and returns the exit code and what went to standard error. */
  private static String execute(String[] args) {
    CommandLine cli = ConfigOption.install(CohortMain.commandLine(), args, Map.of());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args) + " " + err;
  }

  @Test
  void requiredOptionCanComeFromTheConfigFile() throws Exception {
    String[] args = clientWithConfig("node: hungary\ncoordinator: coordinator:7400\n");
    CommandLine cli = ConfigOption.install(CohortMain.commandLine(), args, Map.of());
    assertThat((String) value(cli, args, "client", "--node")).isEqualTo("hungary");
    assertThat((String) value(cli, args, "client", "--coordinator"))
        .isEqualTo("coordinator:7400");
  }

  @Test
  void optionOfAGroupOfAlternativesIsRefusedInAConfigFileInsteadOfIgnored() throws Exception {
    assertThat(execute(clientWithConfig("node: hungary\ndata: hungary.csv\n")))
        .startsWith("2 ").contains("has no setting data");
  }

  @Test
  void unknownKeyIsRefusedWithItsNameAndNothingRuns() throws Exception {
    Path file = config("port: 7500\nhttp-prot: 1\n");
    String[] args = {"coordinator", "--config", file.toString(), "--data-dir",
        dir.resolve("never-created").toString()};
    assertThat(execute(args)).startsWith("2 ").contains("has no setting http-prot")
        .doesNotContain("port,");
    assertThat(dir.resolve("never-created")).doesNotExist();
  }

  @Test
  void missingConfigFileIsOneClearLineAndExitTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(err, true));
    int code;
    try {
      code = CohortMain.run("coordinator", "--config", dir.resolve("nope.yaml").toString());
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("cohort: --config:").contains("nope.yaml")
        .doesNotContain("\n");
  }
}
