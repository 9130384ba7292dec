package io.cohort.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cohort.deploy.CohortMain;
import io.cohort.edge.data.HeartDisease;
import io.cohort.edge.data.LocalDataset;
import io.cohort.edge.data.TabularData;
import io.cohort.edge.training.Evaluator;
import io.cohort.edge.training.LocalTrainer;
import io.cohort.edge.training.ProgressListener;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.TrainConfig;
import io.cohort.model.identity.Pem;
import io.cohort.model.identity.ProvisionDirectory;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, for real: the built-in heart federation with four edge-client child
 * processes training with DJL over gRPC on 127.0.0.1. The federated model must reach 0.77
 * accuracy on the union of the sites' held-out splits within 20 rounds and beat every site-local
 * model trained with the same budget.
 */
class HeartDemoTest {

  @TempDir static Path dir;
  static JsonNode report;
  static int exitCode;

  @BeforeAll
  static void runDemo() throws Exception {
    Path file = dir.resolve("report.json");
    exitCode = CohortMain.commandLine().execute("demo", "--exit-when-done", "--rounds", "20",
        "--report", file.toString(), "--work-dir", dir.resolve("work").toString());
    report = new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void demoCompletesAllRoundsWithAllFourHospitals() {
    assertThat(exitCode).isZero();
    assertThat(report.at("/federation/state").asText()).isEqualTo("COMPLETED");
    assertThat(report.get("rounds")).hasSize(20);
    for (JsonNode round : report.get("rounds")) {
      assertThat(round.get("participants")).hasSize(4);
      assertThat(round.get("sites").size()).isEqualTo(4);
      assertThat(round.at("/samples/cleveland").asLong()).isEqualTo(200); // its training rows
      assertThat(round.at("/global/examples").asInt()).isEqualTo(HeartDisease.pooledHeldOut()
          .rows());
    }
    assertThat(report.at("/final/model_version").asText())
        .isEqualTo(report.get("rounds").get(19).get("model_version").asText());
  }

  @Test
  void demoRunsOverMutualTlsWithItsOwnCaAndSaysSoInTheReport() {
    Path pki = dir.resolve("work").resolve("pki");
    assertThat(report.at("/security/mutual_tls").asBoolean()).isTrue();
    assertThat(report.at("/security/ca").asText()).isEqualTo(
        Pem.fingerprint(new ProvisionDirectory(pki).caCertificate()));
    assertThat(report.at("/security/participants").asInt()).isEqualTo(6); // coordinator, 4, op
    assertThat(report.at("/security/refused_calls").asLong()).isZero();
    assertThat(pki.resolve("cleveland.bundle.pem")).exists();
  }

  @Test
  void dataMarketScoresContributionsAndTheLedgerAuditsClean() {
    JsonNode last = report.get("rounds").get(19);
    assertThat(last.at("/quality").asDouble()).isBetween(0.5, 1.0);
    long ppm = 0;
    for (JsonNode share : last.get("shares_ppm")) {
      ppm += share.asLong();
    }
    assertThat(ppm).isEqualTo(1_000_000L);
    assertThat(report.at("/billing/audit").asText()).isEqualTo("ok");
  }

  @Test
  void federatedModelReachesTargetAccuracyAndBeatsEverySiteLocalModel() {
    double federated = report.at("/final/global/accuracy").asDouble();
    assertThat(federated).isGreaterThanOrEqualTo(0.77);
    double firstLoss = report.get("rounds").get(0).at("/global/loss").asDouble();
    double lastLoss = report.at("/final/global/loss").asDouble();
    assertThat(lastLoss).isLessThan(firstLoss - 0.1); // the model really learned

    Map<String, Double> local = siteLocalAccuracies();
    assertThat(local).hasSize(4);
    assertThat(local.values()).allSatisfy(acc -> assertThat(federated).isGreaterThan(acc));
  }

  /** Each site trains alone with the federation's budget (20 x 1 epoch), scored on the union. */
  static Map<String, Double> siteLocalAccuracies() {
    DjlRuntime runtime = DjlRuntime.start(DjlRuntime.Settings.defaults());
    TabularData union = HeartDisease.pooledHeldOut();
    Map<String, Double> out = new TreeMap<>();
    try (NDManager manager = runtime.newManager()) {
      for (String site : HeartDisease.sites()) {
        LocalDataset data = HeartDisease.load(site);
        ModelArchitecture arch = new ModelArchitecture(ModelSpec.newBuilder()
            .setArchitecture("logistic").setInputFeatures(data.schema().inputFeatures())
            .setNumClasses(2).build());
        TrainConfig config = TrainConfig.newBuilder().setLocalEpochs(20).setBatchSize(16)
            .setOptimizer("sgd").setLearningRate(0.05).setSeed(42).build();
        float[] params = new LocalTrainer(arch, manager).train(arch.initialize(42), config,
            data.train(), ProgressListener.NONE).parameters();
        out.put(site, new Evaluator(arch, manager).evaluate(params, union).getMetrics()
            .getAccuracy());
      }
    }
    return out;
  }
}
