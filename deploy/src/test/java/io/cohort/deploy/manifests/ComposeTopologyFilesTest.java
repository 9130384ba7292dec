package io.cohort.deploy.manifests;

import static io.cohort.deploy.manifests.Manifests.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cohort.deploy.spec.FederationFile;
import io.cohort.deploy.spec.SchemaBinding;
import io.cohort.edge.data.HeartDisease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** deploy/compose/compose.yaml and its config files, checked against the code. */
class ComposeTopologyFilesTest {

  private static final JsonNode COMPOSE = Manifests.yaml(Manifests.COMPOSE);
  private static final Path COMPOSE_DIR = Manifests.COMPOSE.getParent();

  @TempDir
  Path tmp;

  /** Cohort services by name (the ones built from deploy/docker/Dockerfile). */
  private static Map<String, JsonNode> cohortServices() {
    Map<String, JsonNode> out = new TreeMap<>();
    COMPOSE.path("services").fields().forEachRemaining(e -> {
      if (e.getValue().path("image").asText().startsWith("cohort/")) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  private static List<String> command(JsonNode service) {
    return Manifests.strings(service.path("command"));
  }

  /** Host file mounted at {@code containerPath}, from the service's bind mounts. */
  private static Path mountedFile(JsonNode service, String containerPath) {
    for (String volume : Manifests.strings(service.path("volumes"))) {
      String[] parts = volume.split(":");
      if (parts[0].startsWith("./") && parts[1].equals(containerPath)) {
        return COMPOSE_DIR.resolve(parts[0]).normalize();
      }
    }
    throw new AssertionError("nothing is mounted at " + containerPath);
  }

  private static String argAfter(List<String> args, String flag) {
    int i = args.indexOf(flag);
    return i < 0 ? null : args.get(i + 1);
  }

  @Test
  void everyCohortServiceRunsAnImageBuiltFromTheDockerfileTargetOfTheSameName() {
    assertThat(cohortServices()).containsKeys("coordinator", "billing", "provision",
        "cleveland", "hungary", "switzerland");
    cohortServices().forEach((name, service) -> {
      String target = service.path("build").path("target").asText();
      assertThat(Manifests.dockerTargets()).as(name).contains(target);
      assertThat(service.path("image").asText()).as(name).isEqualTo("cohort/" + target + ":0.1.0");
      assertThat(COMPOSE_DIR.resolve(service.path("build").path("context").asText())
          .resolve(service.path("build").path("dockerfile").asText()).normalize())
          .as(name).isEqualTo(Manifests.DOCKERFILE);
    });
  }

  @Test
  void everyCommandIsASubcommandAndEveryFlagAnOptionOfIt() {
    CommandLine cli = Manifests.cli();
    cohortServices().forEach((name, service) -> {
      List<String> args = command(service);
      CommandLine sub = Manifests.subcommand(cli, args);
      assertThat(sub).as(name + ": subcommand " + args.get(0)).isNotNull();
      assertThat(Manifests.unknownFlags(sub, args)).as(name).isEmpty();
    });
  }

  @Test
  void everyEnvironmentVariableIsOneTheCommandReads() {
    CommandLine cli = Manifests.cli();
    cohortServices().forEach((name, service) -> {
      List<String> args = command(service);
      CommandLine sub = Manifests.subcommand(cli, args);
      List<String> vars = new ArrayList<>();
      service.path("environment").fieldNames().forEachRemaining(vars::add);
      if (sub != null) {
        assertThat(Manifests.envVars(sub)).as(name).containsAll(vars);
      }
    });
  }

  @Test
  void everyConfigFileExistsAndHasOnlySettingsOfItsCommand() throws Exception {
    CommandLine cli = Manifests.cli();
    int checked = 0;
    for (Map.Entry<String, JsonNode> e : cohortServices().entrySet()) {
      List<String> args = command(e.getValue());
      String config = argAfter(args, "--config");
      if (config == null) {
        continue;
      }
      Path file = mountedFile(e.getValue(), config);
      assertThat(file).as(e.getKey()).isRegularFile();
      assertThat(Manifests.unknownConfigKeys(Files.readString(file),
          Manifests.subcommand(cli, args), tmp)).as(e.getKey() + " " + file).isEmpty();
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(5);
  }

  @Test
  void federationSpecTheCoordinatorMountsIsValidAndFitsThreeClients() {
    JsonNode coordinator = cohortServices().get("coordinator");
    Path spec = mountedFile(coordinator, "/etc/cohort/federation.yaml");
    FederationFile file = FederationFile.load(spec);
    SchemaBinding.Bound bound = SchemaBinding.bind(file);
    long clients = cohortServices().values().stream()
        .filter(s -> command(s).get(0).equals("client")).count();
    assertThat(clients).isEqualTo(3);
    assertThat(bound.spec().getMinNodes()).isLessThanOrEqualTo((int) clients);
    assertThat(bound.spec().getQuorum()).isLessThanOrEqualTo((int) clients);
  }

  @Test
  void publishedPortsAreThePortsTheConfigFilesSet() {
    JsonNode coordinator = cohortServices().get("coordinator");
    JsonNode config = Manifests.yaml(mountedFile(coordinator, "/etc/cohort/coordinator.yaml"));
    assertThat(Manifests.strings(coordinator.path("ports"))).containsExactlyInAnyOrder(
        config.path("port").asText() + ":" + config.path("port").asText(),
        config.path("http-port").asText() + ":" + config.path("http-port").asText());
    JsonNode billing = cohortServices().get("billing");
    String http = Manifests.yaml(mountedFile(billing, "/etc/cohort/billing.yaml"))
        .path("http").asText();
    String port = http.substring(http.lastIndexOf(':') + 1);
    assertThat(Manifests.strings(billing.path("ports"))).containsExactly(port + ":" + port);
  }

  @Test
  void coordinatorLinksBillingAtItsServiceNameAndHttpPort() {
    JsonNode billing = cohortServices().get("billing");
    String http = Manifests.yaml(mountedFile(billing, "/etc/cohort/billing.yaml"))
        .path("http").asText();
    JsonNode coordinator = cohortServices().get("coordinator");
    assertThat(Manifests.yaml(mountedFile(coordinator, "/etc/cohort/coordinator.yaml"))
        .path("billing-url").asText())
        .isEqualTo("http://billing:" + http.substring(http.lastIndexOf(':') + 1) + "/");
  }

  @Test
  void clientsReachTheCoordinatorAtItsServiceNameAndPort() {
    JsonNode coordinator = cohortServices().get("coordinator");
    String port = Manifests.yaml(mountedFile(coordinator, "/etc/cohort/coordinator.yaml"))
        .path("port").asText();
    cohortServices().forEach((name, service) -> {
      if (command(service).get(0).equals("client")) {
        JsonNode config = Manifests.yaml(mountedFile(service, "/etc/cohort/edge-client.yaml"));
        assertThat(config.path("coordinator").asText()).isEqualTo("coordinator:" + port);
        assertThat(service.path("environment").path("COHORT_COORDINATOR").asText())
            .isEqualTo("coordinator:" + port);
      }
    });
  }

  @Test
  void kafkaIsTheOfficialImageInKraftModeAndEveryoneUsesItsAdvertisedListener() {
    JsonNode kafka = COMPOSE.path("services").path("kafka");
    assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
    JsonNode env = kafka.path("environment");
    assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    assertThat(Manifests.strings(kafka.path("volumes")))
        .contains("kafka-data:" + env.path("KAFKA_LOG_DIRS").asText());
    String advertised = env.path("KAFKA_ADVERTISED_LISTENERS").asText()
        .replace("PLAINTEXT://", "");
    for (String service : List.of("coordinator", "billing")) {
      JsonNode s = cohortServices().get(service);
      Path config = mountedFile(s, "/etc/cohort/" + service + ".yaml");
      assertThat(Manifests.yaml(config).path("kafka").asText()).as(service)
          .isEqualTo(advertised);
    }
  }

  @Test
  void eachHospitalHasItsOwnSiteDataAndAProvisionedBundle() {
    JsonNode provision = cohortServices().get("provision");
    List<String> provisionArgs = command(provision);
    cohortServices().forEach((name, service) -> {
      List<String> args = command(service);
      if (!args.get(0).equals("client")) {
        return;
      }
      String node = service.path("environment").path("COHORT_NODE").asText();
      assertThat(node).isEqualTo(name);
      assertThat(provisionArgs).as("provision --node " + node)
          .containsSubsequence("--node", node);
      assertThat(argAfter(args, "--credentials")).isEqualTo("/credentials/" + node
          + ".bundle.pem");
      String data = argAfter(args, "--data");
      String site = Path.of(data).getFileName().toString().replace(".csv", "");
      assertThat(data).startsWith("/opt/cohort/datasets/heart/sites/");
      assertThat(HeartDisease.SITES).as(name).contains(site);
    });
  }

  @Test
  void coordinatorUsesItsProvisionedBundleForTheNameClientsDial() {
    List<String> provisionArgs = command(cohortServices().get("provision"));
    List<String> coordinatorArgs = command(cohortServices().get("coordinator"));
    assertThat(argAfter(coordinatorArgs, "--credentials")).isEqualTo("/credentials/"
        + io.cohort.model.identity.ProvisionDirectory.COORDINATOR_ID + ".bundle.pem");
    assertThat(argAfter(provisionArgs, "--out")).isEqualTo("/credentials");
    assertThat(provisionArgs).containsSubsequence("--coordinator-host", "coordinator");
  }

  @Test
  void imageSplitScriptWritesTheSameSiteFilesAsTheHeartPreset() throws Exception {
    Path out = tmp.resolve("sites");
    Process p = new ProcessBuilder("sh", ROOT.resolve("deploy/docker/split-heart-sites.sh")
        .toString(), ROOT.resolve(
            "edge-client/src/main/resources/datasets/heart/heart_disease_uci_4sites.csv")
        .toString(), out.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    for (String site : HeartDisease.SITES) {
      Path expected = tmp.resolve(site + "-expected.csv");
      HeartDisease.writeSiteCsv(site, expected);
      assertThat(Files.readAllLines(out.resolve(site + ".csv")))
          .as(site).isEqualTo(Files.readAllLines(expected));
    }
  }
}
