package io.cohort.deploy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.deploy.demo.NodeProcesses;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.ContributionEvent;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.PlanKind;
import io.cohort.proto.v1.UsageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose topology without Docker: broker, billing, coordinator and the three hospitals as
 * separate JVMs on 127.0.0.1, started with the compose services' own config files
 * (deploy/compose/config), data (the image's per-site split) and credentials from the same
 * provision step, over mutual TLS. Only what a container gets from its network differs:
 * addresses (127.0.0.1, ports picked by the OS) and folders.
 */
class ComposeTopologyProcessesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path CONFIG = ROOT.resolve("deploy/compose/config");
  private static final Path HEART = ROOT.resolve("edge-client/src/main/resources/datasets/heart");
  private static final Map<String, String> HOSPITALS = Map.of("cleveland", "cleveland",
      "hungary", "hungarian", "switzerland", "switzerland");
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  private final List<ChildProcess> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAll() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close(); // clients and services before the broker
    }
  }

  private ChildProcess start(String name, List<String> command, Map<String, String> env)
      throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    ChildProcess p = ChildProcess.start(name, command, env, dir.resolve("logs"));
    processes.add(p);
    return p;
  }

  private static List<String> cohort(String... args) {
    List<String> cmd = new ArrayList<>(NodeProcesses.javaCommand());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private int get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void federationCompletesAcrossProcessesAndBillingPricesItsModelVersion() throws Exception {
    // Broker: its own JVM, topics created as billing would.
    List<String> broker = new ArrayList<>(NodeProcesses.javaCommand());
    broker.set(broker.size() - 1, "io.cohort.billing.kafka.EmbeddedKafka");
    broker.add(dir.resolve("kafka").toString());
    String bootstrap = start("kafka", broker, Map.of()).awaitLine("bootstrap=(\\S+)", START);

    // The compose init step: a CA and one bundle per participant, then mutual TLS everywhere.
    Path pki = dir.resolve("pki");
    List<String> provision = new ArrayList<>(List.of("provision", "--out", pki.toString(),
        "--coordinator-host", "127.0.0.1", "--operator", "operator"));
    HOSPITALS.keySet().forEach(node -> provision.addAll(List.of("--node", node)));
    ChildProcess init = start("provision", cohort(provision.toArray(String[]::new)), Map.of());
    assertThat(init.process().waitFor(START.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(init.process().exitValue()).as(init.output()).isZero();

    ChildProcess billing = start("billing", cohort("billing",
        "--config", CONFIG.resolve("billing.yaml").toString(),
        "--kafka", bootstrap, "--state-dir", dir.resolve("billing").toString(),
        "--http", "127.0.0.1:0"), Map.of());
    String billingApi = billing.awaitLine("billing HTTP API at (\\S+)", START);
    ChildProcess coordinator = start("coordinator", cohort("coordinator",
        "--config", CONFIG.resolve("coordinator.yaml").toString(),
        "--host", "127.0.0.1", "--port", "0", "--http-port", "0",
        "--data-dir", dir.resolve("coordinator").toString(), "--kafka", bootstrap,
        "--spec", CONFIG.resolve("federation.yaml").toString(), "--exit-when-done",
        "--billing-url", billingApi,
        "--credentials", pki.resolve("coordinator.bundle.pem").toString()), Map.of());
    String grpc = coordinator.awaitLine("coordinator listening on (\\S+)", START);
    String dashboard = coordinator.awaitLine("dashboard: (\\S+)", START);

    // The paths the container health checks and Kubernetes probes use.
    assertThat(get(dashboard + "healthz")).isEqualTo(200);
    await().atMost(START).until(() -> get(dashboard + "readyz") == 200);
    assertThat(get(billingApi + "health")).isEqualTo(200);

    Path sites = dir.resolve("sites");
    Process split = new ProcessBuilder("sh", ROOT.resolve("deploy/docker/split-heart-sites.sh")
        .toString(), HEART.resolve("heart_disease_uci_4sites.csv").toString(), sites.toString())
        .inheritIO().start();
    assertThat(split.waitFor()).isZero();
    List<ChildProcess> clients = new ArrayList<>();
    for (Map.Entry<String, String> h : HOSPITALS.entrySet()) {
      clients.add(start(h.getKey(), cohort("client",
          "--config", CONFIG.resolve("edge-client.yaml").toString(),
          "--coordinator", grpc, "--node-dir", dir.resolve("nodes").resolve(h.getKey()).toString(),
          "--data", sites.resolve(h.getValue() + ".csv").toString(),
          "--schema", HEART.resolve("schema.yaml").toString(),
          "--credentials", pki.resolve(h.getKey() + ".bundle.pem").toString()),
          Map.of("COHORT_NODE", h.getKey())));
    }

    assertThat(coordinator.process().waitFor(150, TimeUnit.SECONDS))
        .as("federation ends; coordinator log:\n%s", coordinator.output()).isTrue();
    assertThat(coordinator.process().exitValue()).as(coordinator.output()).isZero();
    assertThat(coordinator.output()).contains("federation heart is COMPLETED");
    for (ChildProcess c : clients) {
      assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).as(c.name()).isTrue();
      assertThat(c.process().exitValue()).as(c.output()).isZero();
    }

    // Kafka holds what the coordinator published: a version per round, contributions.
    List<ModelVersionEvent> versions = new ArrayList<>();
    int contributions = readTopics(bootstrap, versions);
    assertThat(versions).hasSize(5);
    assertThat(contributions).isGreaterThanOrEqualTo(5 * 2); // quorum 2 of 3, 5 rounds
    ModelVersionEvent last = versions.get(versions.size() - 1);
    assertThat(last.getPriceMicrosPer1000()).isPositive();

    // Billing prices usage of that version with its published price. The account and the usage
    // travel on different topics, so a first usage may overtake the account and be refused as
    // UNKNOWN_CONSUMER (a dead letter, not charged): then the next usage event is sent.
    try (SpoolingEventPublisher publisher = SpoolingEventPublisher.open(bootstrap,
        dir.resolve("spool"))) {
      publisher.publish(ConsumerAccountEvent.newBuilder().setConsumerId("acme")
          .setPlan(PlanKind.PAY_PER_USE).build());
      long charged = 0;
      for (int attempt = 1; attempt <= 5 && charged == 0; attempt++) {
        double refusedBefore = deadLetters(billingApi);
        publisher.publish(UsageEvent.newBuilder().setEventId("usage-" + attempt)
            .setConsumerId("acme").setFederationId("heart").setModelVersion(last.getVersion())
            .setPredictions(1000).setTimeMs(System.currentTimeMillis()).build());
        await("usage-" + attempt + " charged or refused").atMost(START)
            .pollInterval(Duration.ofMillis(300))
            .until(() -> balanceMicros(billingApi, "consumer:acme") != 0
                || deadLetters(billingApi) > refusedBefore);
        charged = balanceMicros(billingApi, "consumer:acme");
      }
      assertThat(charged).as("consumer balance; billing metrics:%n%s", metrics(billingApi))
          .isEqualTo(-last.getPriceMicrosPer1000());
    }
  }

  private long balanceMicros(String api, String account) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "v1/accounts/"
        + account.replace(":", "%3A") + "/balance")).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return 0;
    }
    JsonNode b = new ObjectMapper().readTree(r.body());
    return b.path("balanceMicros").asLong(b.path("balance_micros").asLong());
  }

  private String metrics(String api) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(api + "metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Usage events billing refused so far, all reasons. */
  private double deadLetters(String api) throws Exception {
    double sum = 0;
    for (String line : metrics(api).split("\n")) {
      if (line.startsWith("cohort_billing_dead_letters")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Reads the model-version topic into {@code versions}; returns the contribution count. */
  private static int readTopics(String bootstrap, List<ModelVersionEvent> versions)
      throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "topology-test");
    int[] contributions = {0};
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(CohortTopics.MODEL_VERSIONS, CohortTopics.CONTRIBUTIONS));
      await("5 model versions on Kafka").atMost(START).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.topic().equals(CohortTopics.MODEL_VERSIONS)) {
            versions.add(ModelVersionEvent.parseFrom(r.value()));
          } else {
            ContributionEvent.parseFrom(r.value());
            contributions[0]++;
          }
        }
        return versions.size() >= 5;
      });
    }
    versions.sort(java.util.Comparator.comparingLong(ModelVersionEvent::getCreatedAtMs));
    return contributions[0];
  }
}
