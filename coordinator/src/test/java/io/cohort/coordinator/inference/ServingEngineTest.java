package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServingEngineTest {

  @Test
  void namesAreParsedInAnyCase() {
    assertThat(ServingEngine.parse(" DJL ")).isEqualTo(ServingEngine.DJL);
    assertThat(ServingEngine.parse("java")).isEqualTo(ServingEngine.JAVA);
  }

  @Test
  void unknownEngineIsRefusedNamingTheChoices() {
    assertThatThrownBy(() -> ServingEngine.parse("onnx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown inference engine 'onnx': use one of [djl, java]");
  }

  @Test
  void emptyPredictorPoolIsRefused() {
    InferenceSettings d = InferenceSettings.defaults();
    assertThatThrownBy(() -> new InferenceSettings(Duration.ZERO, 1, 1, d.quota(),
        ServingEngine.DJL, 0)).hasMessageContaining("predictors >= 1");
  }
}
