package io.cohort.deploy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * deploy/compose/compose.yaml under Docker: TLS init, Kafka, coordinator, billing and three
 * hospitals run a short federation to the end. Skipped where there is no Docker daemon (this
 * machine); {@link ComposeTopologyProcessesTest} runs the same topology as plain processes.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeTopologyContainersTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void composeFederationCompletesAndBillingServes() throws Exception {
    assumeTrue(Files.isDirectory(ROOT.resolve("deploy/target/lib")),
        "the images copy deploy/target/lib: run deploy/docker/build-images.sh first");
    try (ComposeContainer compose = new ComposeContainer(
        ROOT.resolve("deploy/compose/compose.yaml").toFile())
        .withExposedService("coordinator", 7401,
            Wait.forHttp("/readyz").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(5)))
        .withExposedService("billing", 7402,
            Wait.forHttp("/health").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(5)))
        .withRemoveVolumes(true)) {
      compose.start();
      String coordinator = "http://" + compose.getServiceHost("coordinator", 7401) + ":"
          + compose.getServicePort("coordinator", 7401) + "/";
      HttpClient http = HttpClient.newHttpClient();
      JsonNode federation = await("federation heart completes").atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
              URI.create(coordinator + "api/federations/heart")).build(),
              HttpResponse.BodyHandlers.ofString()).body()),
              f -> f.path("state").asText().equals("COMPLETED"));
      assertThat(federation.path("completedRounds").asInt())
          .isEqualTo(federation.path("totalRounds").asInt());
      String billing = "http://" + compose.getServiceHost("billing", 7402) + ":"
          + compose.getServicePort("billing", 7402) + "/";
      assertThat(http.send(HttpRequest.newBuilder(URI.create(billing + "metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).contains("cohort_billing_dead_letters");
    }
  }
}
