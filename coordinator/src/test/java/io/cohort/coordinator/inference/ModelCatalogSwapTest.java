package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot swap with DJL predictor pools: the replaced version closes only after its last request. */
class ModelCatalogSwapTest {

  @TempDir Path dir;
  CoordinatorServer server;
  Federation federation;
  ModelCatalog catalog;

  @BeforeEach
  void setUp() {
    server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0, dir, 60_000, 2,
        CoordinatorServer.NO_HTTP), List.of()).start();
    federation = ServedFederation.create(server.federations(), dir);
    ServedFederation.finishRound(federation, 1, ServedFederation.params(1f));
    catalog = new ModelCatalog(server.federations(), new InferenceSchemas(dir), 100,
        ServingEngine.DJL, 2);
  }

  @AfterEach
  void tearDown() {
    catalog.close();
    server.close();
  }

  static double disease(ServedModel m) throws InferenceException {
    float[] features = m.encoder().encode(List.of(ServedFederation.record(70, "m")));
    float[] out = new float[2];
    m.probabilities(features, 0, 1, out);
    return out[1];
  }

  @Test
  void swappedOutVersionAnswersItsInFlightRequestThenCloses() throws Exception {
    ServedModel inFlight = catalog.resolve(federation, "");
    String version2 = ServedFederation.finishRound(federation, 2, ServedFederation.params(-1f));

    ServedModel latest = catalog.resolve(federation, "");

    assertThat(latest.version()).isEqualTo(version2);
    assertThat(inFlight.closed()).isFalse();
    assertThat(disease(inFlight))
        .isCloseTo(ServedFederation.diseaseProbability(1f, 70, "m"), within(1e-5));
    inFlight.release();
    assertThat(inFlight.closed()).isTrue();
    assertThat(disease(latest))
        .isCloseTo(ServedFederation.diseaseProbability(-1f, 70, "m"), within(1e-5));
    latest.release();
    assertThat(latest.closed()).isFalse();
  }

  @Test
  void retiredVersionIsLoadedAgainWhenPinned() throws Exception {
    ServedModel first = catalog.resolve(federation, "");
    String version1 = first.version();
    first.release();
    ServedFederation.finishRound(federation, 2, ServedFederation.params(-1f));
    catalog.resolve(federation, "").release();

    ServedModel pinned = catalog.resolve(federation, version1);

    assertThat(first.closed()).isTrue();
    assertThat(pinned).isNotSameAs(first);
    assertThat(disease(pinned))
        .isCloseTo(ServedFederation.diseaseProbability(1f, 70, "m"), within(1e-5));
    pinned.release();
  }

  @Test
  void versionInUseIsNotClosedByANewerOne() throws Exception {
    ServedModel v1 = catalog.resolve(federation, "");
    v1.release();
    ServedModel again = catalog.resolve(federation, "");

    assertThat(again).isSameAs(v1);
    assertThat(again.closed()).isFalse();
    again.release();
  }
}
