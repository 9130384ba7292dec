package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class StrategyFactoryTest {

  static final List<String> NAMES = StrategyFactory.NAMES;

  @Test
  void namesListTheSixFedAvgFamilyAndTheFourRobustStrategies() {
    assertThat(StrategyFactory.NAMES)
        .containsExactly("fedavg", "fedavgm", "fedprox", "fedadam", "fedyogi", "fedadagrad",
            "median", "trimmed_mean", "krum", "multikrum");
  }

  @ParameterizedTest
  @FieldSource("NAMES")
  void everyNamedStrategyCanBeCreatedWithDefaults(String name) {
    assertThat(StrategyFactory.create(name, Map.of()).name()).isEqualTo(name);
  }

  @Test
  void parameterNamesAreListedPerStrategy() {
    assertThat(StrategyFactory.parameterNames("fedavg")).isEmpty();
    assertThat(StrategyFactory.parameterNames("fedavgm"))
        .containsExactly("server_learning_rate", "momentum");
    assertThat(StrategyFactory.parameterNames("fedprox")).containsExactly("proximal_mu");
    assertThat(StrategyFactory.parameterNames("fedadam"))
        .containsExactly("server_learning_rate", "beta1", "beta2", "tau");
    assertThat(StrategyFactory.parameterNames("fedyogi"))
        .containsExactly("server_learning_rate", "beta1", "beta2", "tau");
    assertThat(StrategyFactory.parameterNames("fedadagrad"))
        .containsExactly("server_learning_rate", "beta1", "tau");
  }

  @Test
  void defaultsFollowFlowerExceptWhereFlowerWouldMakeTheStrategyANoOp() {
    assertThat(defaults("fedavgm"))
        .containsExactly(entry("server_learning_rate", 1.0), entry("momentum", 0.9));
    assertThat(defaults("fedprox")).containsExactly(entry("proximal_mu", 0.01));
    assertThat(defaults("fedadam")).containsExactly(entry("server_learning_rate", 0.1),
        entry("beta1", 0.9), entry("beta2", 0.99), entry("tau", 1e-3));
    assertThat(defaults("fedyogi")).containsExactly(entry("server_learning_rate", 0.01),
        entry("beta1", 0.9), entry("beta2", 0.99), entry("tau", 1e-3));
    assertThat(defaults("fedadagrad")).containsExactly(entry("server_learning_rate", 0.1),
        entry("beta1", 0.0), entry("tau", 1e-3));
  }

  @Test
  void givenParametersReachTheStrategy() {
    Strategy created = StrategyFactory.create("fedavgm",
        Map.of("server_learning_rate", 0.5, "momentum", 0.9));

    assertThat(TwoRounds.bothRounds(created))
        .containsExactly(TwoRounds.bothRounds(new FedAvgM(0.5, 0.9)));
  }

  @Test
  void parametersLeftOutTakeTheirDefaults() {
    Strategy created = StrategyFactory.create("fedyogi", Map.of("tau", 1e-3));

    assertThat(TwoRounds.bothRounds(created))
        .containsExactly(TwoRounds.bothRounds(new FedYogi(0.01, 0.9, 0.99, 1e-3)));
  }

  @Test
  void unknownStrategyIsRejectedWithTheKnownNames() {
    assertThatThrownBy(() -> StrategyFactory.create("fedsgd", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy 'fedsgd'")
        .hasMessageContaining(StrategyFactory.NAMES.toString());
    assertThatThrownBy(() -> StrategyFactory.parameterNames("fedsgd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy 'fedsgd'");
  }

  @Test
  void unknownParameterIsRejectedNamingItAndTheAllowedOnes() {
    assertThatThrownBy(() -> StrategyFactory.create("fedadam", Map.of("eta", 0.1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strategy fedadam has no parameter 'eta'")
        .hasMessageContaining("[server_learning_rate, beta1, beta2, tau]");
  }

  @Test
  void fedAdagradHasNoBeta2() {
    assertThatThrownBy(() -> StrategyFactory.create("fedadagrad", Map.of("beta2", 0.99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no parameter 'beta2'")
        .hasMessageContaining("[server_learning_rate, beta1, tau]");
  }

  @Test
  void fedAvgTakesNoParameters() {
    assertThatThrownBy(() -> StrategyFactory.create("fedavg", Map.of("momentum", 0.9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strategy fedavg has no parameter 'momentum': it takes none");
  }

  @ParameterizedTest
  @CsvSource({
      "fedavgm,    server_learning_rate, -0.1,      (0, inf)",
      "fedavgm,    server_learning_rate, 0,         (0, inf)",
      "fedadam,    server_learning_rate, -1e-3,     (0, inf)",
      "fedavgm,    momentum,             1,         '[0, 1)'",
      "fedavgm,    momentum,             -0.1,      '[0, 1)'",
      "fedprox,    proximal_mu,          -0.01,     '[0, inf)'",
      "fedadam,    beta1,                1,         '[0, 1)'",
      "fedyogi,    beta2,                -0.5,      '[0, 1)'",
      "fedadam,    beta2,                1.5,       '[0, 1)'",
      "fedadagrad, tau,                  0,         (0, inf)",
      "fedyogi,    tau,                  -1e-9,     (0, inf)",
      "fedyogi,    tau,                  Infinity,  (0, inf)",
      "fedadam,    server_learning_rate, NaN,       (0, inf)",
  })
  void outOfRangeValueIsRejectedNamingTheKeyAndTheRange(String strategy, String key, double value,
      String range) {
    assertThatThrownBy(() -> StrategyFactory.create(strategy, Map.of(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key + " must be in " + range);
  }

  @Test
  void lowerBoundsThatAreIncludedAreAccepted() {
    assertThat(StrategyFactory.create("fedavgm", Map.of("momentum", 0.0))).isNotNull();
    assertThat(StrategyFactory.create("fedprox", Map.of("proximal_mu", 0.0))).isNotNull();
    assertThat(StrategyFactory.create("fedadam", Map.of("beta1", 0.0, "beta2", 0.0)))
        .isNotNull();
  }

  @Test
  void parameterWithoutAValueIsRejected() {
    Map<String, Double> params = new HashMap<>();
    params.put("tau", null);

    assertThatThrownBy(() -> StrategyFactory.create("fedadam", params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tau' has no value");
  }

  private static Map<String, Double> defaults(String strategy) {
    return StrategyFactory.parameters(strategy).stream().collect(Collectors.toMap(
        StrategyParameter::name, StrategyParameter::defaultValue, (a, b) -> a,
        LinkedHashMap::new));
  }
}
