package io.cohort.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cohort.billing.events.CohortTopics;
import io.cohort.coordinator.server.CoordinatorServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** deploy/k8s: every manifest parses and agrees with the code. */
class KubernetesManifestsTest {

  @TempDir
  Path tmp;

  private static JsonNode one(String kind, String name) {
    return Manifests.k8sObjects(kind).stream()
        .filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static JsonNode container(JsonNode workload) {
    return workload.path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static JsonNode configOf(JsonNode configMap, String key) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
          .readTree(configMap.path("data").path(key).asText());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int containerPort(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no port " + name);
  }

  @Test
  void everyManifestParsesAndNamesItsKind() {
    List<Path> files = Manifests.k8sFiles();
    assertThat(files).hasSizeGreaterThanOrEqualTo(6);
    for (Path f : files) {
      for (JsonNode doc : Manifests.documents(f)) {
        assertThat(doc.path("apiVersion").asText()).as(f.toString()).isNotEmpty();
        assertThat(doc.path("kind").asText()).as(f.toString()).isNotEmpty();
        assertThat(doc.path("metadata").path("name").asText()).as(f.toString()).isNotEmpty();
      }
    }
  }

  @Test
  void kafkaTopicsAreExactlyCohortTopicsWithTheirCleanupPolicy() {
    Map<String, String> declared = new HashMap<>();
    for (JsonNode t : Manifests.k8sObjects("KafkaTopic")) {
      declared.put(t.path("spec").path("topicName").asText(),
          t.path("spec").path("config").path("cleanup.policy").asText("delete"));
      assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isEqualTo(one("Kafka", "cohort-kafka").path("metadata").path("name").asText());
    }
    Map<String, String> expected = new HashMap<>();
    for (NewTopic t : CohortTopics.all(3, (short) 3)) {
      expected.put(t.name(), t.configs() == null ? "delete"
          : t.configs().getOrDefault("cleanup.policy", "delete"));
    }
    assertThat(declared).isEqualTo(expected);
  }

  @Test
  void kafkaRunsInKraftModeThroughNodePools() {
    JsonNode kafka = one("Kafka", "cohort-kafka");
    assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/kraft").asText())
        .isEqualTo("enabled");
    assertThat(kafka.path("spec").has("zookeeper")).isFalse();
    JsonNode pool = one("KafkaNodePool", "dual-role");
    assertThat(Manifests.strings(pool.path("spec").path("roles")))
        .containsExactlyInAnyOrder("controller", "broker");
  }

  @Test
  void billingReplicasEqualThePartitionsOfItsInputTopics() {
    int replicas = one("Deployment", "billing").path("spec").path("replicas").asInt();
    Set<Integer> partitions = Manifests.k8sObjects("KafkaTopic").stream()
        .map(t -> t.path("spec").path("partitions").asInt()).collect(Collectors.toSet());
    assertThat(partitions).containsExactly(replicas);
  }

  @Test
  void workloadsRunCohortImagesWithValidCommandsFlagsAndConfig() {
    CommandLine cli = Manifests.cli();
    Map<String, String> configMaps = Map.of("coordinator", "cohort-coordinator-config",
        "billing", "cohort-billing-config", "edge-client", "cohort-edge-config");
    for (String kind : List.of("StatefulSet", "Deployment")) {
      for (JsonNode workload : Manifests.k8sObjects(kind)) {
        String name = workload.path("metadata").path("name").asText();
        JsonNode c = container(workload);
        String image = c.path("image").asText();
        String target = image.substring("cohort/".length(), image.indexOf(':'));
        assertThat(Manifests.dockerTargets()).as(name).contains(target);
        List<String> args = Manifests.strings(c.path("args"));
        CommandLine sub = Manifests.subcommand(cli, args);
        assertThat(sub).as(name).isNotNull();
        assertThat(Manifests.unknownFlags(sub, args)).as(name).isEmpty();
        c.path("env").forEach(e -> assertThat(Manifests.envVars(sub)).as(name)
            .contains(e.path("name").asText()));
        JsonNode configMap = one("ConfigMap", configMaps.get(name));
        String key = Path.of(args.get(args.indexOf("--config") + 1)).getFileName().toString();
        assertThat(Manifests.unknownConfigKeys(configMap.path("data").path(key).asText(), sub,
            tmp)).as(name).isEmpty();
        assertThat(c.path("resources").path("requests").path("memory").asText()).isNotEmpty();
        assertThat(c.path("resources").path("limits").path("memory").asText()).isNotEmpty();
        assertThat(workload.path("spec").path("template").path("spec")
            .path("securityContext").path("runAsNonRoot").asBoolean()).as(name).isTrue();
      }
    }
  }

  @Test
  void coordinatorKeepsItsStateOnAPersistentVolumeAndProbesItsHttpPort() {
    JsonNode sts = one("StatefulSet", "coordinator");
    JsonNode c = container(sts);
    JsonNode config = configOf(one("ConfigMap", "cohort-coordinator-config"), "coordinator.yaml");
    String dataDir = config.path("data-dir").asText();
    String claim = sts.path("spec").path("volumeClaimTemplates").get(0).path("metadata")
        .path("name").asText();
    boolean mounted = false;
    for (JsonNode m : c.path("volumeMounts")) {
      mounted |= m.path("name").asText().equals(claim)
          && m.path("mountPath").asText().equals(dataDir);
    }
    assertThat(mounted).as("data-dir " + dataDir + " on the claim " + claim).isTrue();
    assertThat(containerPort(c, "http")).isEqualTo(config.path("http-port").asInt());
    assertThat(containerPort(c, "grpc")).isEqualTo(config.path("port").asInt());
    assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
    assertThat(c.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
  }

  @Test
  void coordinatorProbePathsAreServedByARealCoordinator() throws Exception {
    JsonNode c = container(one("StatefulSet", "coordinator"));
    String readiness = c.path("readinessProbe").path("httpGet").path("path").asText();
    String liveness = c.path("livenessProbe").path("httpGet").path("path").asText();
    try (CoordinatorServer server = new CoordinatorServer(new CoordinatorServer.Config(
        "127.0.0.1", 0, tmp.resolve("data"), 2000, 4, 0, null), List.of()).start()) {
      String base = server.dashboardUrl().orElseThrow();
      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of(readiness, liveness)) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base)
            .resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
      }
      // The image's HEALTHCHECK script against the same server: healthy, and not for a 404.
      String port = String.valueOf(URI.create(base).getPort());
      assertThat(probe(port, liveness)).isZero();
      assertThat(probe(port, "/no-such-path")).isNotZero();
    }
  }

  private static int probe(String port, String path) throws Exception {
    Process p = new ProcessBuilder("bash", Manifests.ROOT.resolve("deploy/docker/http-probe")
        .toString(), port, path).inheritIO().start();
    return p.waitFor();
  }

  @Test
  void billingProbesTheHttpAddressItsConfigServes() {
    JsonNode c = container(one("Deployment", "billing"));
    String http = configOf(one("ConfigMap", "cohort-billing-config"), "billing.yaml")
        .path("http").asText();
    assertThat(containerPort(c, "http")).isEqualTo(
        Integer.parseInt(http.substring(http.lastIndexOf(':') + 1)));
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health");
  }

  @Test
  void coordinatorAndBillingHaveADisruptionBudgetAndNetworkPolicies() {
    Set<String> budgets = Manifests.k8sObjects("PodDisruptionBudget").stream()
        .map(p -> p.path("spec").path("selector").path("matchLabels")
            .path("app.kubernetes.io/name").asText()).collect(Collectors.toSet());
    assertThat(budgets).contains("coordinator", "billing");
    Set<String> policies = Manifests.k8sObjects("NetworkPolicy").stream()
        .map(p -> p.path("metadata").path("name").asText()).collect(Collectors.toSet());
    assertThat(policies).contains("default-deny-ingress", "coordinator", "billing",
        "edge-client");
    JsonNode grpc = one("Service", "coordinator").path("spec").path("ports").get(0);
    assertThat(grpc.path("port").asInt()).isEqualTo(configOf(one("ConfigMap",
        "cohort-coordinator-config"), "coordinator.yaml").path("port").asInt());
  }

  @Test
  void secretsMountedByWorkloadsAreDeclared() {
    Set<String> secrets = Manifests.k8sObjects("Secret").stream()
        .map(s -> s.path("metadata").path("name").asText()).collect(Collectors.toSet());
    for (String kind : List.of("StatefulSet", "Deployment")) {
      for (JsonNode w : Manifests.k8sObjects(kind)) {
        for (JsonNode v : w.path("spec").path("template").path("spec").path("volumes")) {
          if (v.has("secret")) {
            assertThat(secrets).contains(v.path("secret").path("secretName").asText());
          }
        }
      }
    }
  }
}
