package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.privacy.EpsilonResult;
import io.cohort.model.privacy.RdpConversion;
import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/** User-level accounting: q = selected / eligible nodes, one step per released round. */
class CentralDpAccountantTest {

  /**
   * The Opacus MNIST example (sample rate 0.004, noise multiplier 1.1, 15,000 steps, delta 1e-5:
   * published "(2.91, 1e-5)-DP" with the classic conversion) read as DP-FedAvg: 4 of 1,000 nodes
   * each round for 15,000 rounds. The same sampled Gaussian mechanism, so the same epsilon; the
   * default Balle conversion gives 2.5029 on Cohort's order grid.
   */
  @Test
  void reproducesTheOpacusMnistEpsilonAsFourOfAThousandNodesPerRound() {
    CentralDpAccountant accountant = new CentralDpAccountant(1.1);
    double q = CentralDpAccountant.samplingRate(4, 1000);
    for (int round = 0; round < 15_000; round++) {
      accountant.round(q);
    }

    EpsilonResult classic = accountant.epsilon(1e-5, RdpConversion.CLASSIC);
    assertThat(new BigDecimal(classic.epsilon()).round(new MathContext(3)).doubleValue())
        .isEqualTo(2.91);
    assertThat(accountant.epsilon(1e-5).epsilon()).isCloseTo(2.5028709266, within(1e-8));
    assertThat(accountant.rounds()).isEqualTo(15_000);
    assertThat(accountant.phases()).hasSize(1);
  }

  /** The same numbers through the strategy: 15,000 rounds of CentralDp with 4 of 1,000 nodes. */
  @Test
  void centralDpReportsTheAccountantsEpsilonAfterEachRound() {
    CentralDp dp = new CentralDp(
        new CentralDpSettings(1.1, 1.0, 4, false, 0.5, 0.2, 0.2, 1e-5), new FedAvg());
    double previous = 0;
    for (int round = 1; round <= 15_000; round++) {
      dp.roundSampling(4, 1000);
      TwoRounds.finish(dp, new float[] {0}, new float[][] {{1}}, new long[] {1});
      if (round % 5_000 == 0) {
        assertThat(dp.epsilon()).isGreaterThan(previous);
        previous = dp.epsilon();
      }
    }

    CentralDpStatus status = dp.status();
    assertThat(status.rounds()).isEqualTo(15_000);
    assertThat(status.epsilon()).isCloseTo(2.5028709266, within(1e-8));
    assertThat(status.delta()).isEqualTo(1e-5);
    assertThat(status.epsilonWithoutSampling()).isGreaterThan(100 * status.epsilon());
  }

  /**
   * Without sampling every round is the Gaussian mechanism: RDP T alpha / (2 z^2). With z = 1,
   * T = 1 and the classic conversion, epsilon = min over the grid of alpha / 2 + log(1/delta) /
   * (alpha - 1); at delta 1e-5 the continuous minimum is at alpha = 1 + sqrt(2 log(1e5)) = 5.80,
   * epsilon 0.5 + sqrt(2 log(1e5)) = 5.298; the grid has 5.8.
   */
  @Test
  void atRateOneItIsTheGaussianMechanism() {
    CentralDpAccountant accountant = new CentralDpAccountant(1.0);
    accountant.round(1.0);

    EpsilonResult classic = accountant.epsilon(1e-5, RdpConversion.CLASSIC);
    assertThat(classic.order()).isEqualTo(5.8);
    assertThat(classic.epsilon()).isCloseTo(5.8 / 2 + Math.log(1e5) / 4.8, within(1e-12));
    assertThat(accountant.epsilonWithoutSampling(1e-5))
        .isEqualTo(accountant.epsilon(1e-5, RdpConversion.BALLE));
  }

  @Test
  void epsilonGrowsWithRoundsAndRateAndFallsWithNoise() {
    assertThat(epsilonAfter(1.0, 0.1, 100)).isLessThan(epsilonAfter(1.0, 0.1, 200));
    assertThat(epsilonAfter(1.0, 0.1, 100)).isLessThan(epsilonAfter(1.0, 0.2, 100));
    assertThat(epsilonAfter(2.0, 0.1, 100)).isLessThan(epsilonAfter(1.0, 0.1, 100));
    assertThat(new CentralDpAccountant(1.0).epsilon(1e-5).epsilon()).isZero();
  }

  private static double epsilonAfter(double z, double q, int rounds) {
    CentralDpAccountant accountant = new CentralDpAccountant(z);
    for (int r = 0; r < rounds; r++) {
      accountant.round(q);
    }
    return accountant.epsilon(1e-5).epsilon();
  }

  @Test
  void replayRebuildsTheSameAccountant() {
    CentralDpAccountant accountant = new CentralDpAccountant(0.9);
    accountant.round(0.1);
    accountant.round(0.1);
    accountant.round(0.25);

    CentralDpAccountant replayed = CentralDpAccountant.replay(0.9, accountant.phases());

    assertThat(replayed.phases()).isEqualTo(accountant.phases());
    assertThat(replayed.epsilon(1e-6)).isEqualTo(accountant.epsilon(1e-6));
    assertThat(replayed.epsilonWithoutSampling(1e-6))
        .isEqualTo(accountant.epsilonWithoutSampling(1e-6));
    assertThatThrownBy(() -> CentralDpAccountant.replay(1.0, accountant.phases()))
        .hasMessageContaining("phase noise multiplier 0.9 differs from 1.0");
  }

  @Test
  void badInputIsRejected() {
    assertThatThrownBy(() -> CentralDpAccountant.samplingRate(0, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selected nodes must be in [1, eligible nodes = 5], got 0");
    assertThatThrownBy(() -> new CentralDpAccountant(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("noise multiplier must be in (0, inf)");
    CentralDpAccountant accountant = new CentralDpAccountant(1.0);
    assertThatThrownBy(() -> accountant.round(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> accountant.epsilon(1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(accountant.rounds()).isZero();
  }
}
