package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DpSettingsTest {

  @Test
  void aNonPositiveNoiseMultiplierIsRefusedNamingItsRange() {
    assertThatThrownBy(() -> DpSettings.withNoiseMultiplier(0, 1, null, 16, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("noise multiplier sigma (--noise-multiplier) must be a finite number > 0,"
            + " got 0.0");
    assertThatThrownBy(() -> DpSettings.withNoiseMultiplier(-1, 1, null, 16, 3))
        .hasMessageContaining("--noise-multiplier");
  }

  @Test
  void aNonPositiveClipNormIsRefused() {
    assertThatThrownBy(() -> DpSettings.withNoiseMultiplier(1, 0, null, 16, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clipping norm C (--clip-norm) must be a finite number > 0, got 0.0");
  }

  @Test
  void deltaOutsideZeroToOneIsRefused() {
    for (double delta : new double[] {0, 1, -1e-5, 2, Double.NaN}) {
      assertThatThrownBy(() -> DpSettings.withNoiseMultiplier(1, 1, delta, 16, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("delta (--delta) must be in (0, 1), got " + delta);
    }
  }

  @Test
  void aNonPositiveBudgetIsRefused() {
    assertThatThrownBy(() -> DpSettings.withNoiseMultiplier(1, 1, null, 16, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon budget (--epsilon-budget) must be a finite number > 0, got 0.0");
  }

  @Test
  void anExpectedBatchAboveTheDatasetSizeIsRefusedAsQAboveOne() {
    DpSettings settings = DpSettings.withNoiseMultiplier(1, 1, null, 300, 3);

    assertThatThrownBy(() -> settings.checkedFor(200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sampling rate q = expected batch / records = 300 / 200 = 1.500 must be in"
            + " (0, 1]: use an expected batch (--expected-batch) of at most 200");
    assertThat(settings.checkedFor(300)).isSameAs(settings);
  }

  @Test
  void aTargetEpsilonNeedsPlannedRoundsAndExcludesANoiseMultiplier() {
    assertThatThrownBy(() -> DpSettings.withTargetEpsilon(3, 0, 1, null, 16, 3))
        .hasMessageContaining("planned rounds (--planned-rounds) must be >= 1");
    assertThatThrownBy(() -> DpSettings.withTargetEpsilon(-3, 10, 1, null, 16, 3))
        .hasMessageContaining("target epsilon (--target-epsilon) must be a finite number > 0");
    assertThatThrownBy(() -> new DpSettings(1.0, 3.0, 10, 1, null, 16, 3))
        .hasMessageContaining("either a noise multiplier (--noise-multiplier) or a target"
            + " epsilon (--target-epsilon), not both");
  }

  @Test
  void defaultsAreSigmaOneAndTheTasksBatchSizeAndTheSmallerOfOneInTenNAndOneInAHundredThousand() {
    DpSettings settings = new DpSettings(null, null, 0, 1.0, null, 0, 3);

    assertThat(settings.noiseMultiplier()).isEqualTo(1.0);
    assertThat(settings.expectedBatchFor(32, 1000)).isEqualTo(32);
    assertThat(settings.expectedBatchFor(32, 20)).isEqualTo(20);
    assertThat(settings.deltaFor(1000)).isEqualTo(1e-5);
    assertThat(settings.deltaFor(200_000)).isEqualTo(5e-7);
  }
}
