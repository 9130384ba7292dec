package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shared test scenario: a 3-parameter model and two rounds of weighted client deltas whose
 * means are whole numbers, so that expected results can be worked out by hand.
 *
 * <pre>
 *   start            x0 = [1, 2, 3]
 *   round 1  weight 1: [0, 4, -2]   weight 3: [4, 0, -2]                 mean d1 = [3, 1, -2]
 *   round 2  weight 1: [1, 2, 0]    weight 1: [3, 2, -4]   weight 2: [0, 2, -2]
 *                                                                        mean d2 = [1, 2, -2]
 * </pre>
 */
final class TwoRounds {

  static final float[] START = {1, 2, 3};
  private static final float[][] ROUND_1_DELTAS = {{0, 4, -2}, {4, 0, -2}};
  private static final long[] ROUND_1_WEIGHTS = {1, 3};
  private static final float[][] ROUND_2_DELTAS = {{1, 2, 0}, {3, 2, -4}, {0, 2, -2}};
  private static final long[] ROUND_2_WEIGHTS = {1, 1, 2};
  /** Tolerance for hand-computed expectations: the model is float32. */
  static final float TOLERANCE = 1e-5f;

  private TwoRounds() {}

  /** Round 1 from {@link #START}. */
  static float[] firstRound(Strategy strategy) {
    return finish(strategy, START, ROUND_1_DELTAS, ROUND_1_WEIGHTS);
  }

  /** Round 2 from the model {@code afterFirstRound}. */
  static float[] secondRound(Strategy strategy, float[] afterFirstRound) {
    return finish(strategy, afterFirstRound, ROUND_2_DELTAS, ROUND_2_WEIGHTS);
  }

  /** Both rounds from {@link #START}; the model after round 2. */
  static float[] bothRounds(Strategy strategy) {
    return secondRound(strategy, firstRound(strategy));
  }

  /** Runs both rounds and checks the model after each against hand-computed values. */
  static void assertRounds(Strategy strategy, double[] expectedFirst, double[] expectedSecond) {
    float[] afterFirst = firstRound(strategy);
    assertThat(afterFirst).as("after round 1").containsExactly(floats(expectedFirst),
        within(TOLERANCE));
    assertThat(secondRound(strategy, afterFirst)).as("after round 2")
        .containsExactly(floats(expectedSecond), within(TOLERANCE));
  }

  static float[] finish(Strategy strategy, float[] current, float[][] deltas, long[] weights) {
    UpdateAccumulator accumulator = strategy.newAccumulator(current.length);
    for (int k = 0; k < deltas.length; k++) {
      accumulator.add(deltas[k], weights[k]);
    }
    return strategy.finishRound(current, accumulator);
  }

  /** Expected values, written as double arithmetic, as the float32 model holds them. */
  static float[] floats(double... values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return floats;
  }
}
