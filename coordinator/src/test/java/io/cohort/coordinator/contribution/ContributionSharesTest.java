package io.cohort.coordinator.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ContributionSharesTest {

  @Test
  void sharesAreTheCumulativeScoresOverAllRoundsNormalised() {
    ContributionShares shares = new ContributionShares();

    shares.addRound(Map.of("hospital-a", 0.30, "hospital-b", 0.10));
    shares.addRound(Map.of("hospital-a", 0.05, "hospital-c", 0.15));

    assertThat(shares.cumulativeScores()).containsOnlyKeys("hospital-a", "hospital-b",
        "hospital-c");
    assertThat(shares.cumulativeScores().get("hospital-a")).isCloseTo(0.35, within(1e-12));
    assertThat(shares.shares().get("hospital-a")).isCloseTo(0.35 / 0.60, within(1e-12));
    assertThat(shares.shares().get("hospital-b")).isCloseTo(0.10 / 0.60, within(1e-12));
    assertThat(shares.shares().get("hospital-c")).isCloseTo(0.15 / 0.60, within(1e-12));
    assertThat(shares.partsPerMillion()).containsExactlyInAnyOrderEntriesOf(
        Map.of("hospital-a", 583_333L, "hospital-b", 166_667L, "hospital-c", 250_000L));
  }

  @Test
  void thePartLeftByRoundingDownGoesToTheLargestRemainderThenTheSmallerOwnerId() {
    Map<String, Long> thirds = ContributionShares.partsPerMillion(
        Map.of("c", 1.0, "b", 1.0, "a", 1.0));

    assertThat(thirds).containsExactlyInAnyOrderEntriesOf(
        Map.of("a", 333_334L, "b", 333_333L, "c", 333_333L));
  }

  @Test
  void anOwnerWhoseScoresWereAllZeroIsListedWithAZeroShare() {
    ContributionShares shares = new ContributionShares();

    shares.addRound(Map.of("hospital-a", 0.2, "freerider", 0.0));

    assertThat(shares.partsPerMillion()).containsExactlyInAnyOrderEntriesOf(
        Map.of("hospital-a", 1_000_000L, "freerider", 0L));
  }

  @Test
  void whenNoRoundImprovedTheModelThereAreNoShares() {
    ContributionShares shares = new ContributionShares();

    shares.addRound(Map.of("hospital-a", 0.0, "hospital-b", 0.0));

    assertThat(shares.cumulativeScores()).hasSize(2);
    assertThat(shares.shares()).isEmpty();
    assertThat(shares.partsPerMillion()).isEmpty();
  }

  @Test
  void refusesNegativeAndNonFiniteScoresAndAddsNothing() {
    ContributionShares shares = new ContributionShares(Map.of("hospital-a", 1.0));

    assertThatThrownBy(() -> shares.addRound(Map.of("hospital-b", 0.5, "hospital-a", -0.1)))
        .hasMessageContaining("contribution score of hospital-a must be a finite number >= 0");
    assertThatThrownBy(() -> shares.addRound(Map.of("hospital-a", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(shares.cumulativeScores()).containsExactlyInAnyOrderEntriesOf(
        Map.of("hospital-a", 1.0));
  }

  @Property(tries = 300)
  void partsPerMillionSumToExactlyOneMillionAndStayWithinOnePartOfTheExactShare(
      @ForAll @Size(min = 1, max = 40) Map<String, @DoubleRange(min = 0, max = 1e6) Double> weights) {
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();

    Map<String, Long> parts = ContributionShares.partsPerMillion(weights);

    if (total == 0) {
      assertThat(parts).isEmpty();
      return;
    }
    assertThat(parts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000_000L);
    weights.forEach((owner, weight) -> assertThat((double) parts.get(owner))
        .isCloseTo(weight / total * 1_000_000, within(1.0 + 1e-6)));
  }
}
