package io.cohort.coordinator.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(4).setNumClasses(2).build();

  @TempDir Path dir;

  static ModelRegistry.Lineage lineage(String federation, String strategy) {
    return new ModelRegistry.Lineage(federation, 0, List.of(), List.of(), strategy, Map.of(),
        MODEL, TrainConfig.getDefaultInstance());
  }

  /** Two federations fine-tuning one base model hold the same version, each with its records. */
  @Test
  void federationsSharingABaseModelKeepTheirOwnMetadataMetricsAndState() {
    ModelRegistry registry = new ModelRegistry(dir);
    float[] base = new float[10];
    base[2] = 0.5f;
    String a = registry.publish(base, lineage("alpha", "fedavg"), new byte[] {1}).getVersion();
    String b = registry.publish(base, lineage("beta", "fedadam"), new byte[] {2}).getVersion();
    assertThat(b).isEqualTo(a);
    registry.recordMetrics("alpha", a, Metrics.newBuilder().setAccuracy(0.7).build());
    registry.recordMetrics("beta", a, Metrics.newBuilder().setAccuracy(0.9).build());
    registry.close();

    ModelRegistry reopened = new ModelRegistry(dir);
    assertThat(reopened.get("alpha", a).orElseThrow().getStrategy()).isEqualTo("fedavg");
    assertThat(reopened.get("beta", a).orElseThrow().getStrategy()).isEqualTo("fedadam");
    assertThat(reopened.get("alpha", a).orElseThrow().getMetrics().getAccuracy()).isEqualTo(0.7);
    assertThat(reopened.get("beta", a).orElseThrow().getMetrics().getAccuracy()).isEqualTo(0.9);
    assertThat(reopened.strategyState("alpha", a)).containsExactly(1);
    assertThat(reopened.strategyState("beta", a)).containsExactly(2);
    assertThat(reopened.get("gamma", a)).isEmpty();
    assertThat(reopened.get("../x", a)).isEmpty();
    assertThat(reopened.get(a).orElseThrow().getFederationId()).isEqualTo("alpha");
    assertThat(reopened.parameters(a)).containsExactly(base);
  }

  /**
   * Ownership of the plain names is decided when a version is staged, not when its files land:
   * metrics recorded while the writer is still busy go to the right federation's record.
   */
  @Test
  void metricsRecordedBeforeTheFilesAreWrittenStayWithTheirFederation() {
    ModelRegistry registry = new ModelRegistry(dir);
    float[] shared = new float[10];
    shared[0] = 3f;
    ModelRegistry.Staged beta = registry.stage(shared, lineage("beta", "fedavg"), null);
    ModelRegistry.Staged alpha = registry.stage(shared, lineage("alpha", "fedadam"), null);
    String v = beta.version().getVersion();
    registry.recordMetrics("alpha", v, Metrics.newBuilder().setAccuracy(0.7).build());
    beta.durable().join();
    alpha.durable().join();
    registry.recordMetrics("beta", v, Metrics.newBuilder().setAccuracy(0.9).build());

    assertThat(registry.get("alpha", v).orElseThrow().getMetrics().getAccuracy()).isEqualTo(0.7);
    assertThat(registry.get("beta", v).orElseThrow().getMetrics().getAccuracy()).isEqualTo(0.9);
    assertThat(registry.get("alpha", v).orElseThrow().getStrategy()).isEqualTo("fedadam");
    assertThat(registry.get(v).orElseThrow().getFederationId()).isEqualTo("beta");
    registry.close();
  }

  @Test
  void aStagedVersionIsItsFederationsAtOnce() {
    ModelRegistry registry = new ModelRegistry(dir);
    ModelRegistry.Staged staged = registry.stage(new float[10], lineage("alpha", "fedavg"),
        null);
    String v = staged.version().getVersion();
    assertThat(registry.get("alpha", v)).isPresent();
    assertThat(registry.get(v)).isPresent();
    staged.durable().join();
    assertThat(registry.get("beta", v)).isEmpty();
    registry.close();
  }
}
