package io.cohort.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/docker/Dockerfile: what every image must carry, checked against the code. */
class DockerImagesTest {

  @org.junit.jupiter.api.io.TempDir
  Path tmp;

  private static final String BASE = Manifests.dockerStage("base");

  @Test
  void imagesAreTheFourTargetsOnAJre17Base() {
    assertThat(Manifests.dockerTargets()).containsExactlyInAnyOrder("base", "coordinator",
        "billing", "edge-client", "provision");
    assertThat(Manifests.read(Manifests.DOCKERFILE)).contains("FROM eclipse-temurin:17-jre AS base");
  }

  @Test
  void deepLearningEngineIsOfflineWithoutTelemetryAndHasAWritableCache() {
    assertThat(BASE).contains("ai.djl.offline=true", "OPT_OUT_TRACKING=true",
        "DJL_CACHE_DIR=/var/lib/cohort/djl");
    String launcher = Manifests.read(Manifests.ROOT.resolve("deploy/docker/cohort"));
    assertThat(launcher).contains("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
        "unset PYTORCH_VERSION PYTORCH_FLAVOR", "io.cohort.deploy.CohortMain");
  }

  @Test
  void libtorchComesFromTheMavenArtifactCopiedIntoLib() {
    // lib/ is deploy's runtime class path (maven-dependency-plugin copy-runtime-libs).
    assertThat(System.getProperty("java.class.path")).contains("pytorch-native-cpu");
    assertThat(BASE).contains("COPY deploy/target/lib/ /opt/cohort/lib/",
        "COPY deploy/target/cohort-deploy-0.1.0-SNAPSHOT.jar /opt/cohort/cohort-deploy.jar");
    String ignore = Manifests.read(Manifests.ROOT.resolve("deploy/docker/Dockerfile.dockerignore"));
    assertThat(ignore).contains("!deploy/target/lib/",
        "!deploy/target/cohort-deploy-0.1.0-SNAPSHOT.jar", "!deploy/docker/",
        "!edge-client/src/main/resources/datasets/heart/");
  }

  @Test
  void everyImageRunsAsTheNonRootUser() {
    for (String target : List.of("coordinator", "billing", "edge-client", "provision")) {
      assertThat(Manifests.dockerStage(target)).as(target).contains("USER 10001:10001");
    }
    assertThat(BASE).contains("useradd --system --uid 10001");
  }

  @Test
  void healthChecksProbeThePathsTheKubernetesProbesUse() {
    assertThat(healthPath("coordinator")).isEqualTo("7401 /healthz");
    assertThat(healthPath("billing")).isEqualTo("7402 /health");
    assertThat(Manifests.dockerStage("edge-client")).contains("tcp-probe \\\"$COHORT_COORDINATOR");
    assertThat(Manifests.dockerStage("coordinator")).contains("EXPOSE 7400 7401");
    assertThat(Manifests.dockerStage("billing")).contains("EXPOSE 7402");
  }

  @Test
  void imageDefaultSettingsAreValidForTheImagesCommandAndMatchItsPortsAndVolume() throws Exception {
    picocli.CommandLine cli = Manifests.cli();
    Map<String, String> command = Map.of("coordinator", "coordinator", "billing", "billing",
        "edge-client", "client");
    for (Map.Entry<String, String> e : command.entrySet()) {
      String stage = Manifests.dockerStage(e.getKey());
      assertThat(stage).contains("CMD [\"" + e.getValue() + "\"]");
      Matcher m = Pattern.compile("ENV COHORT_CONFIG=(\\S+)").matcher(stage);
      assertThat(m.find()).as(e.getKey()).isTrue();
      Path file = Manifests.ROOT.resolve("deploy/docker/defaults")
          .resolve(Path.of(m.group(1)).getFileName());
      assertThat(stage).contains("COPY deploy/docker/defaults/" + file.getFileName());
      assertThat(Manifests.unknownConfigKeys(Files.readString(file),
          cli.getSubcommands().get(e.getValue()), tmp)).as(file.toString()).isEmpty();
      JsonNode section = Manifests.yaml(file).path(e.getValue());
      assertThat(section.isObject()).as(file + " has a section " + e.getValue()).isTrue();
      section.fields().forEachRemaining(kv -> {
        if (kv.getKey().endsWith("dir")) {
          assertThat(kv.getValue().asText()).startsWith("/var/lib/cohort/data");
        }
      });
    }
    JsonNode coordinator = Manifests.yaml(Manifests.ROOT.resolve(
        "deploy/docker/defaults/coordinator.yaml")).path("coordinator");
    assertThat(healthPath("coordinator")).startsWith(coordinator.path("http-port").asText() + " ");
    assertThat(Manifests.dockerStage("coordinator")).contains("EXPOSE "
        + coordinator.path("port").asText() + " " + coordinator.path("http-port").asText());
    String billingHttp = Manifests.yaml(Manifests.ROOT.resolve(
        "deploy/docker/defaults/billing.yaml")).path("billing").path("http").asText();
    assertThat(healthPath("billing")).startsWith(
        billingHttp.substring(billingHttp.lastIndexOf(':') + 1) + " ");
  }

  @Test
  void everyCohortVariableTheImagesSetIsReadByTheLauncherOrTheirCommand() {
    picocli.CommandLine cli = Manifests.cli();
    Matcher m = Pattern.compile("\\b(COHORT_[A-Z_]+)=").matcher(
        Manifests.read(Manifests.DOCKERFILE));
    java.util.Set<String> read = new java.util.HashSet<>();
    for (String c : List.of("coordinator", "billing", "client")) {
      read.addAll(Manifests.envVars(cli.getSubcommands().get(c)));
    }
    int found = 0;
    while (m.find()) {
      assertThat(read).contains(m.group(1));
      found++;
    }
    assertThat(found).isGreaterThanOrEqualTo(5);
  }

  private static String healthPath(String target) {
    Matcher m = Pattern.compile("CMD \\[\"http-probe\", \"(\\d+)\", \"([^\"]+)\"]")
        .matcher(Manifests.dockerStage(target));
    assertThat(m.find()).as(target + " HEALTHCHECK").isTrue();
    return m.group(1) + " " + m.group(2);
  }
}
