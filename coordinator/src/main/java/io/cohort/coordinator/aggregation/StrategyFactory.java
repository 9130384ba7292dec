package io.cohort.coordinator.aggregation;

import io.cohort.coordinator.aggregation.StrategyParameter.Range;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates strategies by the name used in federation specs, with their numeric parameters checked
 * against one table (keys, defaults, ranges) that also serves the docs and the CLI.
 *
 * <p>Defaults follow Flower's current strategies where Flower has the parameter, except two that
 * would make a strategy a no-op: FedAvgM's momentum (Flower 0, here 0.9) and FedProx's mu (Flower
 * 0, here 0.01).
 */
public final class StrategyFactory {

  public static final List<String> NAMES =
      List.of("fedavg", "fedavgm", "fedprox", "fedadam", "fedyogi", "fedadagrad", "median",
          "trimmed_mean", "krum", "multikrum");

  /** The robust strategies, which keep a round's updates in memory-mapped files. */
  static final List<String> ROBUST = List.of("median", "trimmed_mean", "krum", "multikrum");

  static final String SERVER_LEARNING_RATE = "server_learning_rate";
  static final String MOMENTUM = "momentum";
  static final String PROXIMAL_MU = "proximal_mu";
  static final String BETA1 = "beta1";
  static final String BETA2 = "beta2";
  static final String TAU = "tau";
  static final String TRIM_BETA = "beta";
  static final String KRUM_F = "f";
  static final String KRUM_M = "m";

  /**
   * Keys, defaults and ranges. Defaults are those of Flower's {@code flwr.serverapp.strategy}
   * classes (FedAvgM, FedAdam, FedYogi, FedAdagrad, checked against Flower's source), except:
   * FedAvgM momentum 0.9 (Flower 0.0, which is plain FedAvg; 0.9 is the customary SGD momentum),
   * FedProx mu 0.01 (Flower 0.0, plain FedAvg), and FedAdagrad's beta1 may be set (Flower fixes
   * it at 0, which is the default here). The tau of 1e-3 is Flower's current default; Flower's
   * older {@code flwr.server.strategy} FedAdam and FedAdagrad used 1e-9.
   */
  private static final Map<String, List<StrategyParameter>> PARAMETERS = Map.of(
      "fedavg", List.of(),
      "fedavgm", List.of(
          serverLearningRate(1.0),
          new StrategyParameter(MOMENTUM, 0.9, Range.DECAY)),
      "fedprox", List.of(
          new StrategyParameter(PROXIMAL_MU, 0.01, Range.NON_NEGATIVE)),
      "fedadam", List.of(serverLearningRate(0.1), beta1(0.9), beta2(0.99), tau(1e-3)),
      "fedyogi", List.of(serverLearningRate(0.01), beta1(0.9), beta2(0.99), tau(1e-3)),
      "fedadagrad", List.of(serverLearningRate(0.1), beta1(0.0), tau(1e-3)),
      "median", List.of(),
      "trimmed_mean", List.of(new StrategyParameter(TRIM_BETA, 0.1, Range.TRIM_FRACTION)),
      "krum", List.of(new StrategyParameter(KRUM_F, 1, Range.WHOLE)),
      // m = 0: keep n - f updates.
      "multikrum", List.of(new StrategyParameter(KRUM_F, 1, Range.WHOLE),
          new StrategyParameter(KRUM_M, 0, Range.WHOLE)));

  private StrategyFactory() {}

  /**
   * As {@link #create(String, Map, Path)} with the robust strategies' files under the system's
   * temporary directory (validation, tests).
   */
  public static Strategy create(String name, Map<String, Double> params) {
    return create(name, params, Path.of(System.getProperty("java.io.tmpdir"),
        "cohort-staging-" + java.util.UUID.randomUUID()));
  }

  /**
   * A new strategy; parameters left out take their defaults. With the {@code central_dp_*}
   * parameters ({@link CentralDpSettings}) a FedAvg-family strategy is wrapped in
   * {@link CentralDp}; with {@code norm_filter_bound} any strategy is wrapped in a
   * {@link NormFilter}.
   *
   * @param stagingDir directory the robust strategies own for a round's memory-mapped updates
   *     (created when first needed)
   * @throws IllegalArgumentException naming the problem for an unknown strategy, a parameter the
   *     strategy does not have (with the ones it has), a value out of range (with the range), or
   *     central DP combined with a robust strategy or the norm filter
   */
  public static Strategy create(String name, Map<String, Double> params, Path stagingDir) {
    List<StrategyParameter> known = parameters(name);
    for (String key : params.keySet()) {
      if (!CentralDpSettings.isCentralDpKey(key) && !key.equals(NormFilter.BOUND)
          && known.stream().noneMatch(p -> p.name().equals(key))) {
        throw new IllegalArgumentException("strategy " + name + " has no parameter '" + key + "': "
            + (known.isEmpty() ? "it takes none" : "use one of " + parameterNames(name))
            + " (and " + NormFilter.BOUND + ", the central DP keys "
            + CentralDpSettings.PREFIX + "*)");
      }
    }
    Optional<CentralDpSettings> centralDp = CentralDpSettings.fromParams(params);
    Values values = key -> value(name, known, params, key);
    Strategy strategy;
    if (ROBUST.contains(name)) {
      if (centralDp.isPresent()) {
        throw new IllegalArgumentException("central DP works with the FedAvg family, not with "
            + name + ": drop the " + CentralDpSettings.PREFIX + "* keys or use fedavg");
      }
      strategy = robust(name, values, stagingDir);
    } else {
      ServerOptimizer optimizer = serverOptimizer(name, values);
      strategy = centralDp.<Strategy>map(settings -> new CentralDp(settings, optimizer))
          .orElse(optimizer);
    }
    if (!params.containsKey(NormFilter.BOUND)) {
      return strategy;
    }
    if (centralDp.isPresent()) {
      throw new IllegalArgumentException(NormFilter.BOUND + " cannot be combined with central DP,"
          + " which clips every update already");
    }
    Double bound = params.get(NormFilter.BOUND);
    if (bound == null) {
      throw new IllegalArgumentException("parameter '" + NormFilter.BOUND + "' has no value");
    }
    return new NormFilter(Range.POSITIVE.check(NormFilter.BOUND, bound), strategy);
  }

  private static Strategy robust(String name, Values values, Path stagingDir) {
    return switch (name) {
      case "median" -> new CoordinateMedian(stagingDir);
      case "trimmed_mean" -> new TrimmedMean(values.of(TRIM_BETA), stagingDir);
      case "krum" -> new Krum(name, (int) values.of(KRUM_F), 1, stagingDir);
      case "multikrum" -> new Krum(name, (int) values.of(KRUM_F), (int) values.of(KRUM_M),
          stagingDir);
      default -> throw unknownStrategy(name);
    };
  }

  private static ServerOptimizer serverOptimizer(String name, Values values) {
    return switch (name) {
      case "fedavg" -> new FedAvg();
      case "fedavgm" -> new FedAvgM(values.of(SERVER_LEARNING_RATE), values.of(MOMENTUM));
      case "fedprox" -> new FedProx(values.of(PROXIMAL_MU));
      case "fedadam" -> new FedAdam(values.of(SERVER_LEARNING_RATE), values.of(BETA1),
          values.of(BETA2), values.of(TAU));
      case "fedyogi" -> new FedYogi(values.of(SERVER_LEARNING_RATE), values.of(BETA1),
          values.of(BETA2), values.of(TAU));
      case "fedadagrad" -> new FedAdagrad(values.of(SERVER_LEARNING_RATE), values.of(BETA1),
          values.of(TAU));
      default -> throw unknownStrategy(name);
    };
  }

  /**
   * The parameters of a strategy with their defaults and ranges, in a fixed order.
   *
   * @throws IllegalArgumentException for an unknown strategy
   */
  public static List<StrategyParameter> parameters(String strategy) {
    List<StrategyParameter> parameters = PARAMETERS.get(strategy);
    if (parameters == null) {
      throw unknownStrategy(strategy);
    }
    return parameters;
  }

  /**
   * The parameter keys of a strategy, in the order of {@link #parameters(String)}.
   *
   * @throws IllegalArgumentException for an unknown strategy
   */
  public static List<String> parameterNames(String strategy) {
    return parameters(strategy).stream().map(StrategyParameter::name).toList();
  }

  private static StrategyParameter serverLearningRate(double defaultValue) {
    return new StrategyParameter(SERVER_LEARNING_RATE, defaultValue, Range.POSITIVE);
  }

  private static StrategyParameter beta1(double defaultValue) {
    return new StrategyParameter(BETA1, defaultValue, Range.DECAY);
  }

  private static StrategyParameter beta2(double defaultValue) {
    return new StrategyParameter(BETA2, defaultValue, Range.DECAY);
  }

  private static StrategyParameter tau(double defaultValue) {
    return new StrategyParameter(TAU, defaultValue, Range.POSITIVE);
  }

  private static double value(String strategy, List<StrategyParameter> known,
      Map<String, Double> params, String key) {
    StrategyParameter parameter = known.stream().filter(p -> p.name().equals(key)).findFirst()
        .orElseThrow();
    if (!params.containsKey(key)) {
      return parameter.defaultValue();
    }
    Double value = params.get(key);
    if (value == null) {
      throw new IllegalArgumentException("strategy " + strategy + ": parameter '" + key
          + "' has no value");
    }
    return parameter.range().check(key, value);
  }

  private static IllegalArgumentException unknownStrategy(String name) {
    return new IllegalArgumentException("unknown strategy '" + name + "': use one of " + NAMES);
  }

  /** The checked value of each parameter key of the strategy being created. */
  @FunctionalInterface
  private interface Values {
    double of(String key);
  }
}
