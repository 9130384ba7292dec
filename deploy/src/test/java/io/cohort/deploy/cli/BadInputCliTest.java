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
  void aSpecNodeIdOutsideThePatternIsRefusedBeforeAnythingStarts() throws Exception {
    Path spec = spec("nodes:\n  - {id: Hungary!, site: hungary}\n");
    assertOneLine(run("demo", "--spec", spec.toString(), "--work-dir", work()),
        "node id 'Hungary!' must match [a-z0-9_-]{1,64}");
    assertThat(dir.resolve("work")).doesNotExist();
  }

  @Test
  void anUnknownKeyInANodeEntryIsRefused() throws Exception {
    Path spec = spec("nodes:\n  - {id: cleveland, cvs: mine.csv}\n");
    assertOneLine(run("demo", "--spec", spec.toString(), "--work-dir", work()),
        "node cleveland has an unknown key 'cvs' (use [id, csv, site])");
  }

  @Test
  void nodesWrittenAsAMappingAreRefused() throws Exception {
    Path spec = spec("nodes:\n  cleveland: {csv: a.csv}\n");
    assertOneLine(run("demo", "--spec", spec.toString(), "--work-dir", work()),
        "'nodes' must be a list");
  }

  @Test
  void aNodeWithoutCsvUnderASchemaFileIsRefused() throws Exception {
    io.cohort.edge.data.HeartDisease.writeSchema(dir.resolve("schema.yaml"));
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "federation: {federation_id: f}\nschema: schema.yaml\n"
        + "nodes:\n  - {id: a}\n");
    assertOneLine(run("demo", "--spec", spec.toString(), "--work-dir", work()),
        "node a needs a 'csv'");
  }

  @Test
  void aNodeCsvThatDoesNotMatchTheSchemaIsRefusedBeforeAnythingStarts() throws Exception {
    io.cohort.edge.data.HeartDisease.writeSchema(dir.resolve("schema.yaml"));
    io.cohort.edge.data.HeartDisease.writeSiteCsv("cleveland", dir.resolve("good.csv"));
    Files.writeString(dir.resolve("bad.csv"), "age,sex\n63,1\n");
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "federation: {federation_id: f, model: {architecture: logistic}}\n"
        + "schema: schema.yaml\nnodes:\n  - {id: a, csv: good.csv}\n  - {id: b, csv: bad.csv}\n");
    Result r = run("demo", "--spec", spec.toString(), "--work-dir", work());
    assertOneLine(r, "node b: ");
    assertThat(r.err()).contains("bad.csv").contains("is not in the CSV header");
    assertThat(dir.resolve("work")).doesNotExist();
  }

  @Test
  void fewerNodesThanMinNodesIsRefused() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "federation: {federation_id: f, model: {architecture: logistic},"
        + " min_nodes: 3, quorum: 2}\n"
        + "schema: builtin:heart\nnodes:\n  - {id: cleveland}\n  - {id: hungary}\n");
    assertOneLine(run("demo", "--spec", spec.toString(), "--work-dir", work()),
        "min_nodes 3 but lists 2 node(s)");
  }

  @Test
  void invalidYamlNamesTheLine() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "federation: {federation_id: f}\nnodes: [\n");
    assertOneLine(run("demo", "--spec", spec.toString()), "is not valid YAML at line ");
  }

  @Test
  void coordinatorSettingsAndSpecAreCheckedBeforeItListens() throws Exception {
    String data = dir.resolve("data").toString();
    assertOneLine(run("coordinator", "--heartbeat-ms", "0", "--data-dir", data, "--port", "0",
        "--http-port", "-1"), "--heartbeat-ms must be at least 1, got 0");
    assertOneLine(run("coordinator", "--max-concurrent-uploads", "0", "--data-dir", data,
        "--port", "0", "--http-port", "-1"), "--max-concurrent-uploads must be at least 1");
    assertOneLine(run("coordinator", "--exit-when-done", "--data-dir", data, "--port", "0",
        "--http-port", "-1"), "--exit-when-done needs --spec");
    assertOneLine(run("coordinator", "--spec", dir.resolve("nope.yaml").toString(),
        "--data-dir", data, "--port", "0", "--http-port", "-1"), "nope.yaml does not exist");
    Path spec = spec("");
    Files.writeString(spec, "federation: {federation_id: f, strategy: fedmagic,"
        + " model: {architecture: logistic}}\n"
        + "schema: builtin:heart\n");
    assertOneLine(run("coordinator", "--spec", spec.toString(), "--data-dir", data, "--port",
        "0", "--http-port", "-1"), "unknown strategy 'fedmagic'");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aMissingRequiredOptionIsOneLineWithoutADoubledPrefix() {
    Result r = run("client", "--node", "a");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("cohort: Missing required").doesNotContain("Error:");
  }

  @Test
  void aClientTimeoutBelowOneHourIsRefused() throws Exception {
    Path schema = dir.resolve("schema.yaml");
    io.cohort.edge.data.HeartDisease.writeSchema(schema);
    Path csv = dir.resolve("good.csv");
    io.cohort.edge.data.HeartDisease.writeSiteCsv("cleveland", csv);
    assertOneLine(run("client", "--node", "a", "--data", csv.toString(), "--schema",
        schema.toString(), "--insecure", "--timeout-h", "0"), "--timeout-h must be at least 1");
  }

  private Path spec(String nodes) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "federation: {federation_id: f}\nschema: builtin:heart\n" + nodes);
    return spec;
  }

  private String work() {
    return dir.resolve("work").toString();
  }

  @Test
  void unknownFlagPointsToHelp() {
    Result r = run("demo", "--roundz", "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--roundz").contains("cohort demo --help");
  }
}
