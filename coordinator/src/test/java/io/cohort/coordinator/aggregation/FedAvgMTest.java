package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FedAvgMTest {

  @Test
  void secondRoundStepsAlongMomentumThatCarriesTheFirstRound() {
    // v1 = d1 = [3, 1, -2];                          x1 = x0 + 0.5 * v1 = [2.5, 2.5, 2]
    // v2 = 0.9 * v1 + d2 = [3.7, 2.9, -3.8];         x2 = x1 + 0.5 * v2 = [4.35, 3.95, 0.1]
    TwoRounds.assertRounds(new FedAvgM(0.5, 0.9),
        new double[] {2.5, 2.5, 2}, new double[] {4.35, 3.95, 0.1});
  }

  @Test
  void withoutMomentumAndWithUnitRateItIsFedAvg() {
    assertThat(TwoRounds.bothRounds(new FedAvgM(1.0, 0.0)))
        .containsExactly(TwoRounds.bothRounds(new FedAvg()));
  }

  @Test
  void stateIsEmptyBeforeTheFirstRound() {
    assertThat(new FedAvgM(1.0, 0.9).saveState()).isEmpty();
  }
}
