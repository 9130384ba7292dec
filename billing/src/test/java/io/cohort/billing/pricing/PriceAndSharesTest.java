package io.cohort.billing.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.proto.v1.OwnerShare;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PriceAndSharesTest {

  @Test
  void listPriceIsAlphaTimesQualityRoundedHalfUp() {
    QualityProportionalPrice rule = new QualityProportionalPrice(10_000_000);

    assertThat(rule.pricePer1000Micros(0.87)).isEqualTo(8_700_000);
    assertThat(new QualityProportionalPrice(3).pricePer1000Micros(0.5)).isEqualTo(2);
    assertThatThrownBy(() -> rule.pricePer1000Micros(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void aBetterModelNeverCostsLess(@ForAll @DoubleRange(min = 0, max = 1) double q1,
      @ForAll @DoubleRange(min = 0, max = 1) double q2) {
    QualityProportionalPrice rule = new QualityProportionalPrice(5_000_000);

    assertThat(Long.compare(rule.pricePer1000Micros(q1), rule.pricePer1000Micros(q2)))
        .isIn(0, Double.compare(q1, q2));
  }

  @Property
  void sharesFromScoresSumToAMillion(
      @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = -1, max = 1e6) Double> scores) {
    Map<String, Double> byOwner = new HashMap<>();
    for (int i = 0; i < scores.size(); i++) {
      byOwner.put("owner-" + i, scores.get(i));
    }

    List<OwnerShare> shares = ContributionShares.fromScores(byOwner);

    assertThat(shares.stream().mapToLong(OwnerShare::getSharePpm).sum()).isEqualTo(1_000_000);
    assertThat(ContributionShares.problem(shares)).isEmpty();
  }

  @Test
  void equalScoresGetEqualSharesAndAFreeRiderGetsNothing() {
    List<OwnerShare> shares = ContributionShares.fromScores(
        Map.of("a", 2.0, "b", 2.0, "free-rider", 0.0, "c", 4.0));

    assertThat(shares).extracting(OwnerShare::getOwnerId)
        .containsExactly("a", "b", "c", "free-rider");
    assertThat(shares).extracting(OwnerShare::getSharePpm)
        .containsExactly(250_000L, 250_000L, 500_000L, 0L);
  }

  @Test
  void allZeroScoresShareEqually() {
    assertThat(ContributionShares.fromScores(Map.of("a", 0.0, "b", 0.0, "c", 0.0)))
        .extracting(OwnerShare::getSharePpm).containsExactly(333_334L, 333_333L, 333_333L);
  }

  @Test
  void badSharesAreDescribed() {
    assertThat(ContributionShares.problem(List.of())).contains("no contribution shares");
    assertThat(ContributionShares.problem(List.of(share("a", 500_000), share("a", 500_000))))
        .hasValueSatisfying(p -> assertThat(p).contains("repeated"));
    assertThat(ContributionShares.problem(List.of(share("a", 1_000_001), share("b", -1))))
        .hasValueSatisfying(p -> assertThat(p).contains("negative"));
    assertThat(ContributionShares.problem(List.of(share("a", 10))))
        .hasValueSatisfying(p -> assertThat(p).contains("sum to 10"));
  }

  private static OwnerShare share(String owner, long ppm) {
    return OwnerShare.newBuilder().setOwnerId(owner).setSharePpm(ppm).build();
  }
}
