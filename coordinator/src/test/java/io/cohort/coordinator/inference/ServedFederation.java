package io.cohort.coordinator.inference;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import io.cohort.proto.v1.InferenceSchema;
import io.cohort.proto.v1.InputFeature;
import io.cohort.proto.v1.InputFeatureType;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A federation "heart" with a real logistic model version on sale, for serving tests: inputs
 * {@code age} (numeric, scaled (age - 50) / 10) and {@code sex} (categorical f/m), two classes.
 */
final class ServedFederation {

  static final String ID = "heart";
  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(3).setNumClasses(2).build();
  static final InferenceSchema SCHEMA = InferenceSchema.newBuilder().setFederationId(ID)
      .addFeatures(InputFeature.newBuilder().setName("age").setType(InputFeatureType.NUMERIC)
          .setCenter(50).setScale(10))
      .addFeatures(InputFeature.newBuilder().setName("sex")
          .setType(InputFeatureType.CATEGORICAL).addCategories("f").addCategories("m"))
      .addClassNames("healthy").addClassNames("disease").build();

  private ServedFederation() {}

  /** Creates the federation and writes its inference schema under the data dir. */
  static Federation create(Federations federations, Path dataDir) {
    InferenceSchemas.save(dataDir, SCHEMA);
    return federations.create(FederationSpec.newBuilder().setFederationId(ID).setModel(MODEL)
        .setSchemaFingerprint("s").setRounds(5).setMinNodes(2).setQuorum(2)
        .setSelectionTimeoutMs(600_000).setStrategy("fedavg").setQualityMetric("auc")
        .setPriceAlphaMicros(2_000_000).setCurrency("EUR").build());
  }

  /** Publishes {@code params} as round {@code round}'s version (quality 0.8); returns it. */
  static String finishRound(Federation f, int round, float[] params) {
    String version = f.registry().publish(params, new ModelRegistry.Lineage(f.id(), round,
        List.of(), List.of("a"), "fedavg", Map.of(), MODEL, f.spec().getTrain()), new byte[0])
        .getVersion();
    f.roundFinished(RoundSummary.newBuilder().setRound(round).setAttempt(1)
        .setOutcome(RoundOutcome.SUCCEEDED).setModelVersion(version).setQuality(0.8)
        .addParticipants("a").putSharesPpm("a", 1_000_000).build(), params);
    return version;
  }

  /** Weights [2 classes x 3 inputs] then biases: class 1 grows with age and with sex=m. */
  static float[] params(float ageWeight) {
    return new float[] {0, 0, 0, ageWeight, -0.5f, 0.5f, 0, 0.1f};
  }

  static FeatureRecord record(double age, String sex) {
    return FeatureRecord.newBuilder()
        .putFeatures("age", FeatureValue.newBuilder().setNumber(age).build())
        .putFeatures("sex", FeatureValue.newBuilder().setCategory(sex).build()).build();
  }

  /** Reference probability of class 1 for the {@link #params} model. */
  static double diseaseProbability(float ageWeight, double age, String sex) {
    double x0 = (age - 50) / 10;
    double l1 = ageWeight * x0 + (sex.equals("f") ? -0.5 : 0.5) + 0.1;
    return 1 / (1 + Math.exp(-l1));
  }
}
