package io.cohort.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.deploy.CohortMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input on the command line: exit code 2 and one line that says what to fix. */
class BadInputCliTest {

  @TempDir Path dir;

  record Result(int code, String err) {}

  static Result run(String... args) {
    CommandLine cli = CohortMain.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code = cli.execute(args);
    return new Result(code, err.toString().trim());
  }

  static void assertOneLine(Result r, String expected) {
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("cohort: ").contains(expected).doesNotContain("\n")
        .doesNotContain("Exception");
  }

  @Test
  void unknownStrategyIsRefusedBeforeAnythingStarts() {
    assertOneLine(run("demo", "--strategy", "fedmagic", "--work-dir", dir.toString()),
        "unknown strategy 'fedmagic'");
    assertThat(dir.resolve("coordinator")).doesNotExist();
  }

  @Test
  void missingSpecFileIsNamed() {
    assertOneLine(run("demo", "--spec", dir.resolve("nope.yaml").toString()),
        "nope.yaml does not exist");
  }

  @Test
  void specWithMissingCsvFileIsRefused() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "federation: {federation_id: f}\nschema: builtin:heart\n"
        + "nodes:\n  - {id: a, csv: missing.csv}\n");
    assertOneLine(run("demo", "--spec", spec.toString()), "missing.csv does not exist");
  }

  @Test
  void nodeIdUsedTwiceInASpecIsRefused() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "federation: {federation_id: f}\nschema: builtin:heart\n"
        + "nodes:\n  - {id: a, site: cleveland}\n  - {id: a, site: va}\n");
    assertOneLine(run("demo", "--spec", spec.toString()), "node id 'a' is used twice");
  }

  @Test
  void csvThatDoesNotMatchItsSchemaIsRefusedByTheClient() throws Exception {
    Path schema = dir.resolve("schema.yaml");
    io.cohort.edge.data.HeartDisease.writeSchema(schema);
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "age,sex\n63,1\n");
    Result r = run("client", "--node", "x", "--data", csv.toString(), "--schema",
        schema.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("cohort: ").contains("bad.csv").doesNotContain("\n");
  }

  @Test
  void aBillingUrlThatIsNotAnHttpUrlIsRefusedBeforeTheCoordinatorStarts() {
    assertOneLine(run("coordinator", "--billing-url", "127.0.0.1:7480", "--data-dir",
        dir.resolve("data").toString(), "--port", "0", "--http-port", "0"),
        "--billing-url must be the billing HTTP API's base URL");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void unknownInferenceEngineIsRefusedBeforeTheCoordinatorStarts() {
    assertOneLine(run("coordinator", "--inference-engine", "onnx", "--data-dir",
        dir.resolve("data").toString(), "--port", "0", "--http-port", "-1"),
        "unknown inference engine 'onnx': use one of [djl, java]");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void unknownFlagPointsToHelp() {
    Result r = run("demo", "--roundz", "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--roundz").contains("cohort demo --help");
  }
}
