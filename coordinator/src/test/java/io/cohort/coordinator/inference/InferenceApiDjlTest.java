package io.cohort.coordinator.inference;

/** Every {@link InferenceApiTest} scenario, hot swap included, served by DJL predictor pools. */
class InferenceApiDjlTest extends InferenceApiTest {

  @Override
  ServingEngine engine() {
    return ServingEngine.DJL;
  }
}
