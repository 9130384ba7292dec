package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.privacy.PrivacyAccountant;
import io.cohort.proto.v1.TrainConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** DP-FedAvg at the coordinator: clipping, noise, adaptive clipping, state. */
class CentralDpTest {

  /** The FedAvg family: central DP refuses the robust strategies (see RobustStrategiesTest). */
  static final List<String> NAMES = StrategyFactory.NAMES.stream()
      .filter(n -> !StrategyFactory.ROBUST.contains(n)).toList();
  private static final DoubleSupplier NO_NOISE = () -> 0.0;

  private static CentralDpSettings fixed(double z, double clip, int expectedClients) {
    return new CentralDpSettings(z, clip, expectedClients, false, 0.5, 0.2,
        0.05 * expectedClients, 1e-5);
  }

  private static CentralDpSettings adaptive(double z, double clip, int expectedClients,
      double targetQuantile, double countStddev) {
    return new CentralDpSettings(z, clip, expectedClients, true, targetQuantile, 0.2,
        countStddev, 1e-5);
  }

  private static float[] round(Strategy strategy, float[] current, float[][] deltas,
      long[] weights) {
    return TwoRounds.finish(strategy, current, deltas, weights);
  }

  private static double[] difference(float[] next, float[] current) {
    double[] d = new double[next.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (double) next[i] - current[i];
    }
    return d;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  @Test
  void anUpdateOfNormTenContributesNormOneWithClipOne() {
    CentralDp dp = new CentralDp(fixed(1.0, 1.0, 1), new FedAvg(), NO_NOISE);
    float[] current = {0.5f, -1f, 2f};

    float[] next = round(dp, current, new float[][] {{6, 8, 0}}, new long[] {1});

    double[] step = difference(next, current);
    assertThat(norm(step)).isCloseTo(1.0, within(1e-6));
    assertThat(step).containsExactly(new double[] {0.6, 0.8, 0}, within(1e-6));
  }

  @Test
  void clippingIsExactInTheAccumulator() {
    ClippingAccumulator accumulator = new ClippingAccumulator(4, 1.0);

    accumulator.add(new float[] {6, 0, 8, 0}, 3);
    accumulator.add(new float[] {0.5f, 0, 0, 0}, 1);

    assertThat(accumulator.clippedSum()).containsExactly(1.1, 0, 0.8, 0);
    assertThat(ClippingAccumulator.l2Norm(new float[] {6, 0, 8, 0})).isEqualTo(10.0);
    assertThat(accumulator.count()).isEqualTo(2);
    assertThat(accumulator.unclipped()).as("only the norm-0.5 update is within S")
        .isEqualTo(1);
    assertThat(accumulator.totalWeight()).isEqualTo(4);
  }

  @Test
  void updatesCountOnceWhateverTheirSampleWeightAndTheSumIsDividedByExpectedClients() {
    CentralDp dp = new CentralDp(fixed(1.0, 100.0, 4), new FedAvg(), NO_NOISE);
    float[] current = {0, 0};

    float[] next = round(dp, current, new float[][] {{4, 0}, {0, 8}}, new long[] {1, 1000});

    assertThat(next).as("(u1 + u2) / m, not the sample-weighted mean")
        .containsExactly(new float[] {1, 2}, within(1e-6f));
  }

  @Test
  void noiseStdIsNoiseMultiplierTimesClipOverExpectedClients() {
    int n = 200_000;
    CentralDp dp = new CentralDp(fixed(1.5, 2.0, 10), new FedAvg());
    float[] current = new float[n];

    float[] next = round(dp, current, new float[][] {new float[n]}, new long[] {1});

    assertMeanAndStd(next, 1.5 * 2.0 / 10);
  }

  @Test
  void adaptiveClippingNoisesTheUpdatesWithTheLargerUpdateNoiseMultiplier() {
    int n = 200_000;
    // m = 10, sigma_b = 0.5: z_delta = (0.8^-2 - 1^-2)^(-1/2) = 4/3.
    CentralDpSettings settings = adaptive(0.8, 2.0, 10, 0.5, 0.5);
    assertThat(settings.updateNoiseMultiplier()).isCloseTo(4.0 / 3, within(1e-12));
    CentralDp dp = new CentralDp(settings, new FedAvg());

    float[] next = round(dp, new float[n], new float[][] {new float[n]}, new long[] {1});

    assertMeanAndStd(next, 4.0 / 3 * 2.0 / 10);
  }

  /** Mean 0 and the std within 1% (6 standard errors), and a normal's share within 1 std. */
  private static void assertMeanAndStd(float[] samples, double expectedStd) {
    double sum = 0;
    double squares = 0;
    int withinOneStd = 0;
    for (float x : samples) {
      sum += x;
      squares += (double) x * x;
      if (Math.abs(x) <= expectedStd) {
        withinOneStd++;
      }
    }
    int n = samples.length;
    double mean = sum / n;
    double std = Math.sqrt(squares / n - mean * mean);
    assertThat(mean).isCloseTo(0, within(5 * expectedStd / Math.sqrt(n)));
    assertThat(std).isCloseTo(expectedStd, within(0.01 * expectedStd));
    assertThat(withinOneStd / (double) n).isCloseTo(0.6827, within(0.006));
  }

  @Test
  void oneAdaptiveStepIsTheGeometricUpdateOfTheUnclippedFraction() {
    CentralDp dp = new CentralDp(adaptive(1.0, 1.0, 10, 0.5, 1.0), new FedAvg(), NO_NOISE);
    float[][] deltas = new float[10][];
    for (int k = 0; k < 10; k++) {
      deltas[k] = new float[] {k < 2 ? 0.5f : 3f}; // 2 of 10 within S = 1
    }

    round(dp, new float[1], deltas, ones(10));

    assertThat(dp.status().unclippedFraction()).isCloseTo(0.2, within(1e-12));
    assertThat(dp.clip()).isCloseTo(Math.exp(-0.2 * (0.2 - 0.5)), within(1e-12));
  }

  /**
   * Synthetic norms 0.1, 0.2, ..., 10 (100 updates a round, so the q-quantile is 10 q), the count
   * noised with sigma_b = m / 20 = 5: S converges to the target quantile from below and above.
   */
  @Test
  void adaptiveClipMovesToTheTargetQuantileOfTheUpdateNorms() {
    assertThat(meanClipOverLastRounds(0.5, 0.1)).isCloseTo(5.0, within(0.4));
    assertThat(meanClipOverLastRounds(0.5, 100.0)).isCloseTo(5.0, within(0.4));
    assertThat(meanClipOverLastRounds(0.9, 1.0)).isCloseTo(9.0, within(0.4));
    assertThat(meanClipOverLastRounds(0.2, 1.0)).isCloseTo(2.0, within(0.4));
  }

  private static double meanClipOverLastRounds(double quantile, double initialClip) {
    CentralDp dp = new CentralDp(adaptive(1.0, initialClip, 100, quantile, 5.0), new FedAvg(),
        new Random(42)::nextGaussian);
    float[][] deltas = new float[100][];
    for (int k = 0; k < 100; k++) {
      deltas[k] = new float[] {(k + 1) / 10f};
    }
    double sum = 0;
    int rounds = 300;
    int averaged = 100;
    for (int r = 0; r < rounds; r++) {
      round(dp, new float[1], deltas, ones(100));
      if (r >= rounds - averaged) {
        sum += dp.clip();
      }
    }
    return sum / averaged;
  }

  private static long[] ones(int n) {
    long[] w = new long[n];
    Arrays.fill(w, 1);
    return w;
  }

  @Test
  void fixedClipNeverMoves() {
    CentralDp dp = new CentralDp(fixed(1.0, 0.3, 2), new FedAvg(), NO_NOISE);

    TwoRounds.bothRounds(dp);

    assertThat(dp.clip()).isEqualTo(0.3);
    assertThat(dp.status().unclippedFraction()).isNaN();
  }

  @ParameterizedTest
  @FieldSource("NAMES")
  void everyStrategyCanBeWrappedByTheFactoryAndKeepsItsName(String name) {
    Strategy strategy = StrategyFactory.create(name, Map.of(
        CentralDpSettings.NOISE_MULTIPLIER, 1.0, CentralDpSettings.CLIP, 1.0,
        CentralDpSettings.EXPECTED_CLIENTS, 2.0));

    assertThat(strategy).isInstanceOf(CentralDp.class);
    assertThat(strategy.name()).isEqualTo(name);
    float[] after = TwoRounds.bothRounds(strategy);
    for (float x : after) {
      assertThat(x).isFinite();
    }
    assertThat(((CentralDp) strategy).status().rounds()).isEqualTo(2);
  }

  @Test
  void wrappedOptimizerStepsWithTheNoisedMean() {
    // FedAvgM(1, 0.5) on a clipped, un-noised mean: v1 = d1, v2 = 0.5 d1 + d2.
    CentralDp dp = new CentralDp(fixed(1.0, 100.0, 2), new FedAvgM(1.0, 0.5), NO_NOISE);
    float[] afterFirst = round(dp, new float[] {0}, new float[][] {{2}, {4}}, ones(2));
    float[] afterSecond = round(dp, afterFirst, new float[][] {{2}, {0}}, ones(2));

    assertThat(afterFirst).containsExactly(3f);
    assertThat(afterSecond).containsExactly(3f + 0.5f * 3f + 1f);
  }

  @Test
  void fedProxRoundConfigurationPassesThrough() {
    Strategy strategy = StrategyFactory.create("fedprox", Map.of("proximal_mu", 0.5,
        CentralDpSettings.NOISE_MULTIPLIER, 1.0, CentralDpSettings.CLIP, 1.0,
        CentralDpSettings.EXPECTED_CLIENTS, 2.0));

    assertThat(strategy.configureRound(1, TrainConfig.getDefaultInstance())
        .getProximalMu()).isEqualTo(0.5f);
  }

  @Test
  void strategiesWithoutCentralDpParametersAreNotWrapped() {
    assertThat(StrategyFactory.create("fedavg", Map.of())).isInstanceOf(FedAvg.class);
  }

  @Test
  void statePersistsClipRoundsAccountantAndTheWrappedOptimizer() {
    CentralDpSettings settings = adaptive(1.0, 1.0, 10, 0.5, 1.0);
    CentralDp running = new CentralDp(settings, new FedAdam(0.1, 0.9, 0.99, 1e-3), NO_NOISE);
    assertThat(running.saveState()).isEmpty();
    running.roundSampling(3, 30);
    float[] afterFirst = TwoRounds.firstRound(running);
    running.roundSampling(3, 40);
    float[] afterSecond = TwoRounds.secondRound(running, afterFirst);

    CentralDp restarted = new CentralDp(settings, new FedAdam(0.1, 0.9, 0.99, 1e-3), NO_NOISE);
    restarted.restoreState(running.saveState());

    assertThat(restarted.status()).isEqualTo(running.status());
    assertThat(restarted.clip()).isNotEqualTo(1.0).isEqualTo(running.clip());
    assertThat(restarted.accountant().phases()).isEqualTo(running.accountant().phases());
    assertThat(restarted.saveState()).isEqualTo(running.saveState());
    assertThat(TwoRounds.secondRound(restarted, afterSecond))
        .containsExactly(TwoRounds.secondRound(running, afterSecond));
  }

  @Test
  void restoringEmptyStateStartsOver() {
    CentralDpSettings settings = adaptive(1.0, 1.0, 10, 0.5, 1.0);
    CentralDp dp = new CentralDp(settings, new FedAvgM(1.0, 0.9), NO_NOISE);
    TwoRounds.firstRound(dp);

    dp.restoreState(new byte[0]);

    assertThat(dp.clip()).isEqualTo(1.0);
    assertThat(dp.status().rounds()).isZero();
    assertThat(dp.epsilon()).isZero();
    assertThat(TwoRounds.bothRounds(dp)).containsExactly(
        TwoRounds.bothRounds(new CentralDp(settings, new FedAvgM(1.0, 0.9), NO_NOISE)));
  }

  @Test
  void foreignOrDamagedStateIsRefusedAndLeavesTheStateUnchanged() {
    CentralDp dp = new CentralDp(fixed(1.0, 1.0, 2), new FedAvgM(1.0, 0.9), NO_NOISE);
    TwoRounds.firstRound(dp);
    byte[] good = dp.saveState();
    FedAvgM plain = new FedAvgM(1.0, 0.9);
    TwoRounds.firstRound(plain);

    assertThatThrownBy(() -> dp.restoreState(plain.saveState()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot restore central DP state")
        .hasMessageContaining("CCDP");
    assertThatThrownBy(() -> dp.restoreState(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot restore central DP state");
    assertThatThrownBy(() -> dp.restoreState(Arrays.copyOf(good, 20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short");
    CentralDp otherZ = new CentralDp(fixed(2.0, 1.0, 2), new FedAvgM(1.0, 0.9), NO_NOISE);
    assertThatThrownBy(() -> otherZ.restoreState(good))
        .hasMessageContaining("noise multiplier 1.0");
    CentralDp otherClip = new CentralDp(fixed(1.0, 3.0, 2), new FedAvgM(1.0, 0.9), NO_NOISE);
    assertThatThrownBy(() -> otherClip.restoreState(good)).hasMessageContaining("clip 1.0");
    CentralDp adaptiveDp = new CentralDp(adaptive(1.0, 1.0, 40, 0.5, 2.0), new FedAvgM(1.0, 0.9),
        NO_NOISE);
    assertThatThrownBy(() -> adaptiveDp.restoreState(good))
        .hasMessageContaining(CentralDpSettings.ADAPTIVE + " = 0");
    CentralDp otherOptimizer = new CentralDp(fixed(1.0, 1.0, 2), new FedAvg(), NO_NOISE);
    assertThatThrownBy(() -> otherOptimizer.restoreState(good))
        .hasMessageContaining("cannot restore");

    assertThat(dp.saveState()).isEqualTo(good);
  }

  @Test
  void roundsWithoutSamplingInformationAreCountedAtRateOne() {
    CentralDp dp = new CentralDp(fixed(1.0, 1.0, 2), new FedAvg(), NO_NOISE);
    dp.roundSampling(2, 100);
    TwoRounds.firstRound(dp);
    TwoRounds.firstRound(dp); // the engine forgot to call roundSampling

    assertThat(dp.accountant().phases()).containsExactly(
        new PrivacyAccountant.Phase(0.02, 1.0, 1),
        new PrivacyAccountant.Phase(1.0, 1.0, 1));
    CentralDpStatus status = dp.status();
    assertThat(status.rounds()).isEqualTo(2);
    assertThat(status.epsilon()).isPositive().isLessThan(status.epsilonWithoutSampling());
  }

  @Test
  void misuseIsRefusedWithoutChangingTheState() {
    CentralDp dp = new CentralDp(adaptive(1.0, 1.0, 10, 0.5, 1.0), new FedAvg(), NO_NOISE);
    UpdateAccumulator stale = dp.newAccumulator(1);
    stale.add(new float[] {5}, 1);
    round(dp, new float[1], new float[][] {{5}}, ones(1)); // S moves

    assertThatThrownBy(() -> dp.finishRound(new float[1], stale))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use a new accumulator for each round");
    assertThatThrownBy(() -> dp.finishRound(new float[1], dp.newAccumulator(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> dp.finishRound(new float[2], dp.newAccumulator(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the model has 2");
    assertThatThrownBy(() -> dp.finishRound(new float[1], new WeightedMeanAccumulator(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dp.roundSampling(5, 4))
        .hasMessageContaining("selected nodes must be in [1, eligible nodes = 4], got 5");
    assertThat(dp.status().rounds()).isEqualTo(1);
  }

  @Test
  void factoryPassesEveryCentralDpSettingThrough() {
    Map<String, Double> params = new HashMap<>(Map.of("momentum", 0.5,
        CentralDpSettings.NOISE_MULTIPLIER, 0.7, CentralDpSettings.CLIP, 0.25,
        CentralDpSettings.EXPECTED_CLIENTS, 40.0, CentralDpSettings.ADAPTIVE, 1.0,
        CentralDpSettings.TARGET_QUANTILE, 0.7, CentralDpSettings.CLIP_LEARNING_RATE, 0.1,
        CentralDpSettings.COUNT_STDDEV, 3.0, CentralDpSettings.DELTA, 1e-6));

    CentralDp dp = (CentralDp) StrategyFactory.create("fedavgm", params);

    assertThat(dp.settings())
        .isEqualTo(new CentralDpSettings(0.7, 0.25, 40, true, 0.7, 0.1, 3.0, 1e-6));
    assertThat(dp.clip()).isEqualTo(0.25);
  }
}
