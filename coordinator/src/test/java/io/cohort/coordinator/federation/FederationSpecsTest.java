package io.cohort.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.model.inference.ValidationSet;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.ModelSpec;
import org.junit.jupiter.api.Test;

/** The checks a federation must pass before anything is created (FederationSpecs.validate). */
class FederationSpecsTest {

  static final ModelSpec BINARY = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(2).setNumClasses(2).build();
  static final ValidationSet BOTH_CLASSES = new ValidationSet(new float[] {0, 1, 1, 0},
      new int[] {0, 1}, 2, 2);

  static FederationSpec.Builder spec() {
    return FederationSpec.newBuilder().setFederationId("f").setModel(BINARY)
        .setSchemaFingerprint("s");
  }

  static void assertRefused(FederationSpec.Builder s, ValidationSet v, String message) {
    assertThatThrownBy(() -> FederationSpecs.validate(FederationSpecs.withDefaults(s.build()), v))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void aMarketSpecWithItsValidationSetPasses() {
    assertThatCode(() -> FederationSpecs.validate(FederationSpecs.withDefaults(spec()
        .setContributionScorer("shapley").setPriceAlphaMicros(2_000_000).build()),
        BOTH_CLASSES)).doesNotThrowAnyException();
  }

  @Test
  void scorersAndQualityMetricsAreCheckedAtCreationNotAtRoundOne() {
    assertRefused(spec().setContributionScorer("banzhaf"), BOTH_CLASSES,
        "unknown contribution scorer 'banzhaf'");
    assertRefused(spec().setContributionScorer("shapley"), null, "needs a validation set");
    assertRefused(spec().setQualityMetric("f1"), null,
        "unknown quality_metric 'f1': use one of [accuracy, auc, neg_loss]");
    assertRefused(spec().setQualityMetric("neg_loss").setPriceAlphaMicros(1), null,
        "use quality_metric accuracy or auc, not neg_loss");
    ValidationSet oneClass = new ValidationSet(new float[] {0, 1, 1, 0}, new int[] {1, 1}, 2, 2);
    assertRefused(spec(), oneClass, "utility auc needs both classes in the validation set");
    assertThatCode(() -> FederationSpecs.validate(FederationSpecs.withDefaults(spec()
        .setQualityMetric("accuracy").build()), oneClass)).doesNotThrowAnyException();
  }

  @Test
  void theValidationSetMustFitTheModelAndTheInitialModelMustExist() {
    assertRefused(spec(), new ValidationSet(new float[3], new int[] {0}, 3, 2),
        "validation set has 3 features and 2 classes; the model takes 2 and 2");
    assertRefused(spec().setInitialModelPath("/nonexistent/model.cohortmodel"), null,
        "initial_model_path /nonexistent/model.cohortmodel does not exist");
  }
}
