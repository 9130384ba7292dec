package io.cohort.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/docker/Dockerfile: what every image must carry, checked against the code. */
class DockerImagesTest {

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

  private static String healthPath(String target) {
    Matcher m = Pattern.compile("CMD \\[\"http-probe\", \"(\\d+)\", \"([^\"]+)\"]")
        .matcher(Manifests.dockerStage(target));
    assertThat(m.find()).as(target + " HEALTHCHECK").isTrue();
    return m.group(1) + " " + m.group(2);
  }
}
