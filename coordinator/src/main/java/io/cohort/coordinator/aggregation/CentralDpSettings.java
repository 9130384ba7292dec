package io.cohort.coordinator.aggregation;

import io.cohort.coordinator.aggregation.StrategyParameter.Range;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of central (user-level) DP, read from the {@code central_dp_*} keys of a
 * federation's {@code strategy_params}. Central DP is on exactly when
 * {@code central_dp_noise_multiplier} is set; it then also needs {@code central_dp_clip} and
 * {@code central_dp_expected_clients}. See {@link CentralDp} and {@code docs/central-dp.md}.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>meaning</th><th>range</th><th>default</th></tr>
 *   <tr><td>central_dp_noise_multiplier</td><td>z: the privacy noise multiplier the accountant
 *       uses (noise std / clipping norm)</td><td>(0, inf)</td><td>required (turns central DP
 *       on)</td></tr>
 *   <tr><td>central_dp_clip</td><td>S: L2 clipping norm of a node's update; with adaptive
 *       clipping, its initial value</td><td>(0, inf)</td><td>required</td></tr>
 *   <tr><td>central_dp_expected_clients</td><td>m: the fixed denominator of the noised
 *       average</td><td>1, 2, ...</td><td>required</td></tr>
 *   <tr><td>central_dp_adaptive</td><td>1 for adaptive clipping (Andrew et al. 2021)</td>
 *       <td>0 or 1</td><td>0</td></tr>
 *   <tr><td>central_dp_target_quantile</td><td>gamma: quantile of update norms S tracks
 *       (adaptive only)</td><td>(0, 1)</td><td>0.5</td></tr>
 *   <tr><td>central_dp_clip_learning_rate</td><td>eta_C of the geometric update (adaptive
 *       only)</td><td>(0, inf)</td><td>0.2</td></tr>
 *   <tr><td>central_dp_count_stddev</td><td>sigma_b: noise std of the count of unclipped updates
 *       (adaptive only); must exceed z / 2</td><td>(0, inf)</td><td>m / 20</td></tr>
 *   <tr><td>central_dp_delta</td><td>the delta at which the user-level epsilon is
 *       reported</td><td>(0, 1)</td><td>1e-5</td></tr>
 * </table>
 *
 * @param noiseMultiplier z, the noise multiplier of the whole round for accounting
 * @param clip S, the clipping norm (the initial one with adaptive clipping)
 * @param expectedClients m, the fixed number the noised sum is divided by
 * @param adaptive whether S follows a quantile of the update norms
 * @param targetQuantile gamma, the target fraction of unclipped updates
 * @param clipLearningRate eta_C, the step of the geometric clip update
 * @param countStddev sigma_b, the noise std of the count of unclipped updates
 * @param delta the delta of the reported epsilon
 */
public record CentralDpSettings(double noiseMultiplier, double clip, int expectedClients,
    boolean adaptive, double targetQuantile, double clipLearningRate, double countStddev,
    double delta) {

  /** Every central DP key starts with this. */
  public static final String PREFIX = "central_dp_";
  public static final String NOISE_MULTIPLIER = "central_dp_noise_multiplier";
  public static final String CLIP = "central_dp_clip";
  public static final String EXPECTED_CLIENTS = "central_dp_expected_clients";
  public static final String ADAPTIVE = "central_dp_adaptive";
  public static final String TARGET_QUANTILE = "central_dp_target_quantile";
  public static final String CLIP_LEARNING_RATE = "central_dp_clip_learning_rate";
  public static final String COUNT_STDDEV = "central_dp_count_stddev";
  public static final String DELTA = "central_dp_delta";

  /** All keys, in the order of the table above. */
  public static final List<String> KEYS = List.of(NOISE_MULTIPLIER, CLIP, EXPECTED_CLIENTS,
      ADAPTIVE, TARGET_QUANTILE, CLIP_LEARNING_RATE, COUNT_STDDEV, DELTA);

  /** Andrew et al. 2021's and TFF's defaults. */
  public static final double DEFAULT_TARGET_QUANTILE = 0.5;
  public static final double DEFAULT_CLIP_LEARNING_RATE = 0.2;
  /** sigma_b = m / 20: the noised fraction of unclipped updates then has std 0.05. */
  public static final double DEFAULT_COUNT_STDDEV_PER_CLIENT = 0.05;
  public static final double DEFAULT_DELTA = 1e-5;

  private static final List<String> ADAPTIVE_ONLY =
      List.of(TARGET_QUANTILE, CLIP_LEARNING_RATE, COUNT_STDDEV);

  /**
   * @throws IllegalArgumentException naming the key and its range for a value out of range, or,
   *     with adaptive clipping, if z is not below {@code 2 * countStddev}
   */
  public CentralDpSettings {
    Range.POSITIVE.check(NOISE_MULTIPLIER, noiseMultiplier);
    Range.POSITIVE.check(CLIP, clip);
    Range.COUNT.check(EXPECTED_CLIENTS, expectedClients);
    Range.OPEN_UNIT.check(TARGET_QUANTILE, targetQuantile);
    Range.POSITIVE.check(CLIP_LEARNING_RATE, clipLearningRate);
    Range.POSITIVE.check(COUNT_STDDEV, countStddev);
    Range.OPEN_UNIT.check(DELTA, delta);
    if (adaptive && !(noiseMultiplier < 2 * countStddev)) {
      throw new IllegalArgumentException(NOISE_MULTIPLIER + " (z = " + noiseMultiplier
          + ") must be below 2 * " + COUNT_STDDEV + " (= " + 2 * countStddev + ") with adaptive"
          + " clipping: the noised count alone would spend the whole budget of z; raise "
          + COUNT_STDDEV + " above z / 2 (its default is " + EXPECTED_CLIENTS + " / 20)");
    }
  }

  /** Whether a strategy parameter key belongs to central DP. */
  public static boolean isCentralDpKey(String key) {
    return key.startsWith(PREFIX);
  }

  /**
   * The settings in {@code params}, or empty when central DP is off (no {@code central_dp_*}
   * key). Keys of other parameters are ignored.
   *
   * @throws IllegalArgumentException naming the key for an unknown {@code central_dp_*} key, a
   *     key without a value, a value out of range (with the range), a required key left out, a
   *     central DP key without {@code central_dp_noise_multiplier}, or an adaptive-only key
   *     without {@code central_dp_adaptive = 1}
   */
  public static Optional<CentralDpSettings> fromParams(Map<String, Double> params) {
    List<String> given = params.keySet().stream().filter(CentralDpSettings::isCentralDpKey)
        .sorted().toList();
    for (String key : given) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown central DP parameter '" + key
            + "': use one of " + KEYS);
      }
      if (params.get(key) == null) {
        throw new IllegalArgumentException("central DP parameter '" + key + "' has no value");
      }
    }
    if (given.isEmpty()) {
      return Optional.empty();
    }
    if (!given.contains(NOISE_MULTIPLIER)) {
      throw new IllegalArgumentException(given + " set but central DP is off: set "
          + NOISE_MULTIPLIER + " (z, in (0, inf)) to turn it on, or remove them");
    }
    double noiseMultiplier = required(params, NOISE_MULTIPLIER, Range.POSITIVE, "z");
    double clip = required(params, CLIP, Range.POSITIVE,
        "S, the L2 clipping norm of a node's update; the initial S with adaptive clipping");
    int expectedClients = (int) required(params, EXPECTED_CLIENTS, Range.COUNT,
        "m, the expected number of updates per round, which divides the noised sum");
    boolean adaptive = optional(params, ADAPTIVE, Range.FLAG, 0) == 1;
    if (!adaptive) {
      for (String key : ADAPTIVE_ONLY) {
        if (params.containsKey(key)) {
          throw new IllegalArgumentException(key + " applies only to adaptive clipping: set "
              + ADAPTIVE + " = 1 or remove it");
        }
      }
    }
    return Optional.of(new CentralDpSettings(noiseMultiplier, clip, expectedClients, adaptive,
        optional(params, TARGET_QUANTILE, Range.OPEN_UNIT, DEFAULT_TARGET_QUANTILE),
        optional(params, CLIP_LEARNING_RATE, Range.POSITIVE, DEFAULT_CLIP_LEARNING_RATE),
        optional(params, COUNT_STDDEV, Range.POSITIVE,
            DEFAULT_COUNT_STDDEV_PER_CLIENT * expectedClients),
        optional(params, DELTA, Range.OPEN_UNIT, DEFAULT_DELTA)));
  }

  /**
   * The noise multiplier of the update sum: z itself with a fixed clip; with adaptive clipping
   * the larger {@code z_delta = (z^-2 - (2 sigma_b)^-2)^(-1/2)} of Andrew et al. 2021 (Theorem 1),
   * so that the update sum and the noised count together cost exactly what one Gaussian query
   * with noise multiplier z costs.
   */
  public double updateNoiseMultiplier() {
    if (!adaptive) {
      return noiseMultiplier;
    }
    double countTerm = 1 / (4 * countStddev * countStddev);
    return 1 / Math.sqrt(1 / (noiseMultiplier * noiseMultiplier) - countTerm);
  }

  private static double required(Map<String, Double> params, String key, Range range,
      String meaning) {
    if (!params.containsKey(key)) {
      throw new IllegalArgumentException("central DP needs " + key + " (" + meaning + ", in "
          + range + ")");
    }
    return range.check(key, params.get(key));
  }

  private static double optional(Map<String, Double> params, String key, Range range,
      double defaultValue) {
    return params.containsKey(key) ? range.check(key, params.get(key)) : defaultValue;
  }
}
