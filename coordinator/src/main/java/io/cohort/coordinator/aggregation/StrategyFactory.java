package io.cohort.coordinator.aggregation;

import java.util.List;
import java.util.Map;

/** Creates strategies by the name used in federation specs. */
public final class StrategyFactory {

  public static final List<String> NAMES = List.of("fedavg");

  private StrategyFactory() {}

  /**
   * @throws IllegalArgumentException naming the problem for an unknown strategy or parameter
   */
  public static Strategy create(String name, Map<String, Double> params) {
    return switch (name) {
      case "fedavg" -> {
        requireKnown(name, params, List.of());
        yield new FedAvg();
      }
      default -> throw new IllegalArgumentException("unknown strategy '" + name + "': use one of "
          + NAMES);
    };
  }

  static void requireKnown(String strategy, Map<String, Double> params, List<String> known) {
    for (String key : params.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("strategy " + strategy + " has no parameter '" + key
            + "'" + (known.isEmpty() ? "" : ": use " + known));
      }
    }
  }
}
