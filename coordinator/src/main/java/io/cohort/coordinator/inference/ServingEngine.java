package io.cohort.coordinator.inference;

import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import java.util.Arrays;
import java.util.Locale;

/** What computes predictions: a pool of DJL predictors or the plain-Java forward pass. */
public enum ServingEngine {
  DJL, JAVA;

  /** {@code djl} or {@code java}, any case. */
  public static ServingEngine parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown inference engine '" + name + "': use one of "
          + Arrays.stream(values()).map(ServingEngine::label).toList(), e);
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Loads one version's parameters; {@code predictors} sizes the DJL pool. */
  VersionScorer load(String name, ModelArchitecture architecture, float[] parameters,
      int predictors) {
    return switch (this) {
      case JAVA -> new JavaScorer(architecture, parameters);
      // Serving always runs on the CPU with the project's default thread counts.
      case DJL -> new DjlPredictorPool(DjlRuntime.start(DjlRuntime.Settings.defaults()
          .withDevice("cpu")), name, architecture, parameters, predictors);
    };
  }
}
