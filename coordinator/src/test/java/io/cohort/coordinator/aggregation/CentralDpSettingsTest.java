package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The central_dp_* strategy parameters: on/off, defaults, ranges, combinations. */
class CentralDpSettingsTest {

  private static Map<String, Double> minimal() {
    return new HashMap<>(Map.of(CentralDpSettings.NOISE_MULTIPLIER, 1.1,
        CentralDpSettings.CLIP, 0.5, CentralDpSettings.EXPECTED_CLIENTS, 100.0));
  }

  @Test
  void offWithoutCentralDpKeys() {
    assertThat(CentralDpSettings.fromParams(Map.of("momentum", 0.9))).isEmpty();
  }

  @Test
  void requiredKeysAndDefaults() {
    CentralDpSettings s = CentralDpSettings.fromParams(minimal()).orElseThrow();

    assertThat(s).isEqualTo(new CentralDpSettings(1.1, 0.5, 100, false, 0.5, 0.2, 5.0, 1e-5));
    assertThat(s.updateNoiseMultiplier()).isEqualTo(1.1);
  }

  @Test
  void adaptiveDefaultsAreAndrewEtAl() {
    Map<String, Double> params = minimal();
    params.put(CentralDpSettings.ADAPTIVE, 1.0);

    CentralDpSettings s = CentralDpSettings.fromParams(params).orElseThrow();

    assertThat(s.adaptive()).isTrue();
    assertThat(s.targetQuantile()).isEqualTo(0.5);
    assertThat(s.clipLearningRate()).isEqualTo(0.2);
    assertThat(s.countStddev()).as("m / 20").isEqualTo(5.0);
    // (1.1^-2 - 10^-2)^(-1/2)
    assertThat(s.updateNoiseMultiplier())
        .isEqualTo(1 / Math.sqrt(1 / (1.1 * 1.1) - 1 / 100.0));
  }

  @ParameterizedTest
  @CsvSource({
      "central_dp_noise_multiplier,   0,        '(0, inf)'",
      "central_dp_noise_multiplier,   -1,       '(0, inf)'",
      "central_dp_noise_multiplier,   Infinity, '(0, inf)'",
      "central_dp_noise_multiplier,   NaN,      '(0, inf)'",
      "central_dp_clip,               0,        '(0, inf)'",
      "central_dp_expected_clients,   0,        '{1, 2, ..., 2147483647}'",
      "central_dp_expected_clients,   2.5,      '{1, 2, ..., 2147483647}'",
      "central_dp_expected_clients,   3e9,      '{1, 2, ..., 2147483647}'",
      "central_dp_adaptive,           0.5,      '{0, 1}'",
      "central_dp_adaptive,           2,        '{0, 1}'",
      "central_dp_delta,              0,        '(0, 1)'",
      "central_dp_delta,              1,        '(0, 1)'",
  })
  void outOfRangeIsRejectedNamingTheKeyAndTheRange(String key, double value, String range) {
    Map<String, Double> params = minimal();
    params.put(key, value);

    assertThatThrownBy(() -> CentralDpSettings.fromParams(params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key + " must be in " + range + ", got");
  }

  @ParameterizedTest
  @CsvSource({
      "central_dp_target_quantile,    0,    '(0, 1)'",
      "central_dp_target_quantile,    1,    '(0, 1)'",
      "central_dp_clip_learning_rate, 0,    '(0, inf)'",
      "central_dp_count_stddev,       -2,   '(0, inf)'",
  })
  void adaptiveOutOfRangeIsRejectedNamingTheKeyAndTheRange(String key, double value,
      String range) {
    Map<String, Double> params = minimal();
    params.put(CentralDpSettings.ADAPTIVE, 1.0);
    params.put(key, value);

    assertThatThrownBy(() -> CentralDpSettings.fromParams(params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key + " must be in " + range + ", got");
  }

  @Test
  void unknownCentralDpKeyIsRejectedWithTheKnownOnes() {
    Map<String, Double> params = minimal();
    params.put("central_dp_sigma", 1.0);

    assertThatThrownBy(() -> StrategyFactory.create("fedavg", params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown central DP parameter 'central_dp_sigma'")
        .hasMessageContaining(CentralDpSettings.KEYS.toString());
  }

  @Test
  void requiredKeysAreNamed() {
    for (String key : new String[] {CentralDpSettings.CLIP, CentralDpSettings.EXPECTED_CLIENTS}) {
      Map<String, Double> params = minimal();
      params.remove(key);
      assertThatThrownBy(() -> CentralDpSettings.fromParams(params))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("central DP needs " + key);
    }
  }

  @Test
  void centralDpKeysWithoutTheNoiseMultiplierAreRejected() {
    assertThatThrownBy(() -> StrategyFactory.create("fedadam",
        Map.of(CentralDpSettings.CLIP, 1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[central_dp_clip] set but central DP is off: set "
            + "central_dp_noise_multiplier");
  }

  @Test
  void adaptiveOnlyKeysNeedAdaptiveClipping() {
    Map<String, Double> params = minimal();
    params.put(CentralDpSettings.TARGET_QUANTILE, 0.7);

    assertThatThrownBy(() -> CentralDpSettings.fromParams(params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("central_dp_target_quantile applies only to adaptive clipping");
  }

  @Test
  void adaptiveNeedsCountNoiseAboveHalfTheNoiseMultiplier() {
    Map<String, Double> params = minimal();
    params.put(CentralDpSettings.EXPECTED_CLIENTS, 10.0); // sigma_b = 0.5, 2 sigma_b = 1
    params.put(CentralDpSettings.ADAPTIVE, 1.0);

    assertThatThrownBy(() -> CentralDpSettings.fromParams(params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("central_dp_noise_multiplier (z = 1.1) must be below 2 * "
            + "central_dp_count_stddev (= 1.0)");

    params.put(CentralDpSettings.COUNT_STDDEV, 0.6);
    assertThat(CentralDpSettings.fromParams(params)).isPresent();
  }

  @Test
  void parameterWithoutAValueIsRejected() {
    Map<String, Double> params = minimal();
    params.put(CentralDpSettings.DELTA, null);

    assertThatThrownBy(() -> StrategyFactory.create("fedavg", params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'central_dp_delta' has no value");
  }

  @Test
  void otherUnknownKeysStillNameTheStrategyParametersAndMentionCentralDp() {
    assertThatThrownBy(() -> StrategyFactory.create("fedavgm", Map.of("clip", 1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strategy fedavgm has no parameter 'clip'")
        .hasMessageContaining("[server_learning_rate, momentum]")
        .hasMessageContaining("central_dp_*");
  }
}
