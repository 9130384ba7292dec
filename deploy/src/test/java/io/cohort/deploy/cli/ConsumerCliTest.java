package io.cohort.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.deploy.SimulatedFederation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cohort keys|predict|usage} against a real coordinator on 127.0.0.1 whose federation
 * "sim" ran a round with simulated nodes (inputs without a schema file: x0..x3).
 */
class ConsumerCliTest {

  @TempDir static Path dir;
  static SimulatedFederation sim;

  @BeforeAll
  static void runOneRound() throws Exception {
    sim = new SimulatedFederation(dir, "sim", 1, List.of(
        new SimulatedFederation.Site("alpha", 120, 0, 0),
        new SimulatedFederation.Site("beta", 80, 0, 0)));
    sim.federation().start();
    assertThat(sim.server().federations().awaitTerminal("sim", 60_000)).isTrue();
  }

  @AfterAll
  static void tearDown() {
    sim.close();
  }

  static OperatorCliTest.Result atSim(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--coordinator";
    all[args.length + 1] = sim.target();
    return OperatorCliTest.cohort(all);
  }

  static String createKey(String consumer, String plan) {
    OperatorCliTest.Result r = atSim("keys", "create", "--consumer", consumer,
        "--plan", plan);
    assertThat(r.code()).isZero();
    Matcher m = Pattern.compile("(ck_[0-9a-f]{12}_\\S{43})").matcher(r.out());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static String header() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < SimulatedFederation.MODEL.getInputFeatures(); i++) {
      b.append(i == 0 ? "" : ",").append("x").append(i);
    }
    return b.toString();
  }

  static String row(double v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < SimulatedFederation.MODEL.getInputFeatures(); i++) {
      b.append(i == 0 ? "" : ",").append(v + i);
    }
    return b.toString();
  }

  @Test
  void keyPredictsFromCsvAndJsonAndUsageCountsIt() throws Exception {
    String key = createKey("clinic", "payg");
    Path csv = dir.resolve("records.csv");
    Files.writeString(csv, header() + "\n" + row(0.5) + "\n" + row(-1) + "\n");
    Path json = dir.resolve("records.json");
    Files.writeString(json, "[{" + header().replaceAll("(x\\d+)", "\"$1\": 0.25") + "}]");

    OperatorCliTest.Result fromCsv = atSim("predict", "--key", key, "--input",
        csv.toString());
    OperatorCliTest.Result fromJson = atSim("predict", "--key", key, "--input",
        json.toString());
    OperatorCliTest.Result usage = atSim("usage", "--key", key);

    assertThat(fromCsv.code()).isZero();
    assertThat(fromCsv.out()).contains("model version " + sim.federation().currentVersion())
        .containsPattern("(?m)^\\s+0\\s+\\S+\\s+0=0\\.\\d{4}\\s+1=0\\.\\d{4}$")
        .containsPattern("(?m)^\\s+1\\s+");
    assertThat(fromJson.code()).isZero();
    assertThat(usage.out()).contains("consumer clinic (pay per use)")
        .contains("requests 2, predictions 3, rejected 0");
  }

  @Test
  void refusalsAreOneLineWithExitCode2() throws Exception {
    String key = createKey("lab", "subscription");
    Path missing = dir.resolve("missing.csv");
    Files.writeString(missing, "x0\n1\n");

    OperatorCliTest.assertRefused(atSim("predict", "--key", key, "--input",
        missing.toString()), "INVALID_ARGUMENT: records[0].features[\"x1\"]: missing feature");
    OperatorCliTest.assertRefused(atSim("predict", "--key", "ck_nope",
        "--input", missing.toString()), "UNAUTHENTICATED");
    OperatorCliTest.assertRefused(atSim("keys", "create", "--consumer", "a b"),
        "consumer_id must be");
    OperatorCliTest.assertRefused(atSim("keys", "create", "--consumer", "x",
        "--plan", "free"), "--plan: use payg or subscription");
  }

  @Test
  void revokedKeyIsListedAsRevokedAndRefused() throws Exception {
    String key = createKey("gone", "payg");
    String keyId = key.substring(3, 15);
    Path csv = dir.resolve("one.csv");
    Files.writeString(csv, header() + "\n" + row(1) + "\n");

    assertThat(atSim("keys", "revoke", keyId).code()).isZero();

    assertThat(atSim("keys", "list").out()).containsPattern(keyId
        + "\\s+gone\\s+payg\\s+\\S+\\s+revoked");
    OperatorCliTest.assertRefused(atSim("predict", "--key", key, "--input",
        csv.toString()), "UNAUTHENTICATED: API key is unknown or revoked");
    OperatorCliTest.assertRefused(atSim("keys", "revoke", "000000000000"),
        "no API key '000000000000'");
  }
}
