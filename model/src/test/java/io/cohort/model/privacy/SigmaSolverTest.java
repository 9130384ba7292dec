package io.cohort.model.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SigmaSolverTest {

  @Test
  void recoversTheSigmaOfTheOpacusMnistExample() {
    double epsilon = PrivacyAccountant.epsilon(0.004, 1.1, 15_000, 1e-5, RdpConversion.CLASSIC)
        .epsilon();
    SigmaSolver.Solution s = SigmaSolver.solve(epsilon, 0.004, 15_000, 1e-5,
        RdpConversion.CLASSIC);
    assertThat(s.sigma()).isCloseTo(1.1, within(1e-6));
    assertThat(s.epsilon()).isLessThanOrEqualTo(epsilon).isCloseTo(epsilon, within(1e-6));
    assertThat(s.order()).isEqualTo(9.1);
  }

  /**
   * Opacus opacus/tests/accountants_test.py test_get_noise_multiplier: target epsilon 8 at delta
   * 1e-5, sample rate 0.04, 90 epochs (int(90 / 0.04) = 2250 steps) expects sigma 1.425307617.
   * That value predates Opacus' current search (which stops within 0.01 below the target): with
   * the current RDP accountant it gives epsilon 7.919 (Balle; 8.695 classic), checked here. So
   * it only bounds our exact answer from above: ours reaches 8 exactly with less noise.
   */
  @Test
  void agreesWithOpacusGetNoiseMultiplier() {
    PrivacyAccountant opacusOrders = new PrivacyAccountant(PrivacyAccountantTest.OPACUS_ALPHAS);
    SigmaSolver.Solution s = SigmaSolver.solve(opacusOrders, 8.0, 0.04, 2250, 1e-5,
        RdpConversion.BALLE);
    assertThat(s.epsilon()).isLessThanOrEqualTo(8.0).isCloseTo(8.0, within(1e-6));
    assertThat(s.sigma()).isLessThan(1.425307617).isCloseTo(1.4158, within(1e-4));
    assertThat(opacusOrders.epsilonAfter(0.04, 1.425307617, 2250, 1e-5).epsilon())
        .isCloseTo(7.919, within(1e-3));
    assertThat(opacusOrders.epsilonAfter(0.04, 1.425307617, 2250, 1e-5, RdpConversion.CLASSIC)
        .epsilon()).isCloseTo(8.695, within(1e-3));
  }

  @Test
  void solvesOnTopOfWhatIsAlreadySpent() {
    PrivacyAccountant spent = new PrivacyAccountant().step(0.01, 1.0, 2000);
    double already = spent.epsilon(1e-5).epsilon();
    SigmaSolver.Solution s = SigmaSolver.solve(spent, already + 1.0, 0.01, 2000, 1e-5,
        RdpConversion.BALLE);
    assertThat(spent.epsilonAfter(0.01, s.sigma(), 2000, 1e-5).epsilon())
        .isEqualTo(s.epsilon()).isCloseTo(already + 1.0, within(1e-3));
    assertThat(spent.totalSteps()).isEqualTo(2000);
    assertThat(s.sigma()).isGreaterThan(
        SigmaSolver.solve(already + 1.0, 0.01, 2000, 1e-5, RdpConversion.BALLE).sigma());
  }

  /**
   * Where one step at a tiny q stays within the KL bound (1 - exp(-rdp) < delta^2), epsilon drops
   * from above 0.2 straight to 0 as sigma grows past one point. Every target in that gap gets the
   * sigma at the drop, whose epsilon is 0, not the target.
   */
  @Test
  void targetsInTheKlGapGetTheSigmaAtTheDrop() {
    SigmaSolver.Solution atTenth = SigmaSolver.solve(0.1, 0.001, 1, 1e-3, RdpConversion.BALLE);
    SigmaSolver.Solution atFifth = SigmaSolver.solve(0.2, 0.001, 1, 1e-3, RdpConversion.BALLE);
    assertThat(atTenth.epsilon()).isZero();
    assertThat(atFifth.sigma()).isEqualTo(atTenth.sigma());
    assertThat(PrivacyAccountant.epsilon(0.001, atTenth.sigma() * (1 - 1e-8), 1, 1e-3,
        RdpConversion.BALLE).epsilon()).isGreaterThan(0.2);
  }

  @Test
  void unreachableTargetsAreClearErrors() {
    // At delta 1e-10 the conversion alone costs about 0.015 even with no noise to speak of.
    assertThatThrownBy(() -> SigmaSolver.solve(0.001, 0.01, 1000, 1e-10, RdpConversion.BALLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("epsilon 0.001 is unreachable for q=0.01, 1000 steps, "
            + "delta=1.0E-10: even sigma=1000000 gives epsilon 0.01476")
        .hasMessageContaining("allow a larger epsilon or delta");
    assertThatThrownBy(() -> SigmaSolver.solve(1e9, 0.5, 1, 1e-5, RdpConversion.BALLE))
        .hasMessageContaining("is too large to calibrate: even sigma=0.001 stays within it");
    PrivacyAccountant spent = new PrivacyAccountant().step(0.1, 0.8, 10_000);
    assertThatThrownBy(() -> SigmaSolver.solve(spent, 1.0, 0.1, 10, 1e-5, RdpConversion.BALLE))
        .hasMessageStartingWith("epsilon 1.0 is unreachable: ")
        .hasMessageContaining("is already spent at delta 1.0E-5");
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> SigmaSolver.solve(0.0, 0.01, 10, 1e-5, RdpConversion.BALLE))
        .hasMessage("epsilon (target epsilon) must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> SigmaSolver.solve(-1, 0.01, 10, 1e-5, RdpConversion.BALLE))
        .hasMessageContaining("epsilon (target epsilon)");
    assertThatThrownBy(() -> SigmaSolver.solve(1.0, 0.0, 10, 1e-5, RdpConversion.BALLE))
        .hasMessage("q (sampling rate) must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> SigmaSolver.solve(1.0, 0.01, 0, 1e-5, RdpConversion.BALLE))
        .hasMessage("steps must be >= 1 to solve for sigma, got 0");
    assertThatThrownBy(() -> SigmaSolver.solve(1.0, 0.01, 10, 1.0, RdpConversion.BALLE))
        .hasMessage("delta must be in (0, 1), got 1.0");
  }
}
