package io.cohort.coordinator.aggregation;

import static io.cohort.coordinator.aggregation.TwoRounds.floats;
import static java.lang.Math.sqrt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FedAdam, FedYogi and FedAdagrad on {@link TwoRounds} with eta 1, beta1 0.5, beta2 0.75 and tau 2
 * (so v starts at tau^2 = 4). The first moment is the same for all three:
 *
 * <pre>
 *   m1 = 0.5 * d1 = [1.5, 0.5, -1]
 *   m2 = 0.5 * m1 + 0.5 * d2 = [1.25, 1.25, -1.5]
 * </pre>
 *
 * and each step is {@code m / (sqrt(v) + 2)}; only the second moment v differs.
 */
class FedOptTest {

  private static final double ETA = 1;
  private static final double BETA1 = 0.5;
  private static final double BETA2 = 0.75;
  private static final double TAU = 2;

  @Test
  void fedAdamSecondRoundUsesBiasFreeMoments() {
    // v1 = 0.75 * 4 + 0.25 * d1^2 = [5.25, 3.25, 4]
    // v2 = 0.75 * v1 + 0.25 * d2^2 = [4.1875, 3.4375, 4]; no division by (1 - beta^t)
    assertRoundsWithSecondMoments(new FedAdam(ETA, BETA1, BETA2, TAU),
        new double[] {5.25, 3.25, 4}, new double[] {4.1875, 3.4375, 4});
  }

  @Test
  void fedYogiMovesSecondMomentTowardsSquaredDeltaByAStepIndependentOfIt() {
    // v1 = 4 - 0.25 * d1^2 * sign(4 - d1^2): [4 + 2.25, 4 - 0.25, 4 (d^2 = v: unchanged)]
    // v2 = v1 - 0.25 * d2^2 * sign(v1 - d2^2): [6.25 - 0.25, 3.75 + 1, 4]
    assertRoundsWithSecondMoments(new FedYogi(ETA, BETA1, BETA2, TAU),
        new double[] {6.25, 3.75, 4}, new double[] {6, 4.75, 4});
  }

  @Test
  void fedAdagradSecondMomentSumsTheSquaredDeltas() {
    // v1 = 4 + d1^2;  v2 = v1 + d2^2
    assertRoundsWithSecondMoments(new FedAdagrad(ETA, BETA1, TAU),
        new double[] {13, 5, 8}, new double[] {14, 9, 12});
  }

  @Test
  void fedAdamFirstStepWithDefaultsIsAboutTheServerLearningRateWhateverTheDeltaScale() {
    Strategy fedAdam = StrategyFactory.create("fedadam", Map.of());
    float[] start = {0, 0, 0};

    float[] next = TwoRounds.finish(fedAdam, start, new float[][] {{1000, 1, -0.5f}},
        new long[] {1});

    // m1 = 0.1 * d, sqrt(v1) ~ 0.1 * |d|: the step is eta * sign(d) less a tau-sized shortfall
    assertThat(next).containsExactly(floats(0.1, 0.1, -0.1), within(0.002f));
  }

  @Test
  void fedAdagradByDefaultStepsOnTheWholeDeltaWithoutFirstMomentAveraging() {
    Strategy fedAdagrad = StrategyFactory.create("fedadagrad", Map.of());

    float[] afterFirst = TwoRounds.firstRound(fedAdagrad);

    // beta1 0: m1 = d1 = [3, 1, -2]; v1 = 1e-6 + d1^2; step = 0.1 * m1 / (sqrt(v1) + 1e-3)
    assertThat(afterFirst).containsExactly(floats(
        1 + 0.1 * 3 / (sqrt(1e-6 + 9) + 1e-3),
        2 + 0.1 * 1 / (sqrt(1e-6 + 1) + 1e-3),
        3 - 0.1 * 2 / (sqrt(1e-6 + 4) + 1e-3)), within(TwoRounds.TOLERANCE));
  }

  @Test
  void roundWithoutUpdatesFailsAndLeavesTheOptimizerStateAsItWas() {
    FedYogi fedYogi = new FedYogi(ETA, BETA1, BETA2, TAU);
    TwoRounds.firstRound(fedYogi);
    byte[] before = fedYogi.saveState();

    assertThatThrownBy(() -> fedYogi.finishRound(TwoRounds.START, fedYogi.newAccumulator(3)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(fedYogi.saveState()).isEqualTo(before);
  }

  @Test
  void eachVariantHasItsOwnName() {
    assertThat(new FedAdam(ETA, BETA1, BETA2, TAU).name()).isEqualTo("fedadam");
    assertThat(new FedYogi(ETA, BETA1, BETA2, TAU).name()).isEqualTo("fedyogi");
    assertThat(new FedAdagrad(ETA, BETA1, TAU).name()).isEqualTo("fedadagrad");
  }

  @Test
  void constructorsRejectOutOfRangeValuesNamingTheParameter() {
    assertThatThrownBy(() -> new FedAdam(-0.1, BETA1, BETA2, TAU))
        .hasMessageContaining("server_learning_rate must be in (0, inf)");
    assertThatThrownBy(() -> new FedYogi(ETA, BETA1, 1.0, TAU))
        .hasMessageContaining("beta2 must be in [0, 1)");
    assertThatThrownBy(() -> new FedAdagrad(ETA, BETA1, 0))
        .hasMessageContaining("tau must be in (0, inf)");
  }

  /**
   * Checks both rounds of {@link TwoRounds} against {@code x = x + m / (sqrt(v) + 2)} with the
   * shared first moments of the class comment and the hand-computed second moments given.
   */
  private static void assertRoundsWithSecondMoments(Strategy strategy, double[] v1, double[] v2) {
    double[] m1 = {1.5, 0.5, -1};
    double[] m2 = {1.25, 1.25, -1.5};
    double[] x1 = new double[3];
    double[] x2 = new double[3];
    for (int i = 0; i < 3; i++) {
      x1[i] = TwoRounds.START[i] + ETA * m1[i] / (sqrt(v1[i]) + TAU);
      x2[i] = x1[i] + ETA * m2[i] / (sqrt(v2[i]) + TAU);
    }
    TwoRounds.assertRounds(strategy, x1, x2);
  }
}
