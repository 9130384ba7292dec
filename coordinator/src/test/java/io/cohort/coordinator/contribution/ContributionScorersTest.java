package io.cohort.coordinator.contribution;

import static io.cohort.coordinator.contribution.Blobs.HARMFUL;
import static io.cohort.coordinator.contribution.Blobs.SHARP;
import static io.cohort.coordinator.contribution.Blobs.STRONG;
import static io.cohort.coordinator.contribution.Blobs.WEAK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.inference.ValidationSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContributionScorersTest {

  @ParameterizedTest
  @ValueSource(strings = {"shapley", "gtg", "loo"})
  void everyScorerGivesASymmetricFederationEqualScores(String name) {
    Map<String, NodeUpdate> updates = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      updates.put("site" + i, Blobs.copyOf(SHARP));
    }
    RoundUpdates round = Blobs.round(updates);
    Utility auc = Blobs.utility("auc");

    Map<String, Double> scores = ContributionScorers.create(name, Map.of()).score(round, auc);

    assertThat(scores).hasSize(8);
    assertThat(scores.values()).containsOnly(scores.get("site0"));
    assertThat(scores.get("site0")).isCloseTo(Blobs.gain(round, auc) / 8, within(1e-12));
  }

  @ParameterizedTest
  @ValueSource(strings = {"shapley", "gtg", "loo"})
  void everyScorerGivesAZeroUpdateAboutNothing(String name) {
    RoundUpdates round = Blobs.round(Map.of("alice", STRONG, "bob", WEAK, "carol", SHARP,
        "freerider", Blobs.zeroUpdate(300)));

    Map<String, Double> scores = ContributionScorers.create(name, Map.of())
        .score(round, Blobs.utility("auc"));

    assertThat(scores.get("freerider")).isLessThanOrEqualTo(0.01 * Blobs.sum(scores));
  }

  @Test
  void shapleyIsExactUpToSixDistinctUpdatesAndGtgAbove() {
    Map<String, NodeUpdate> updates = new HashMap<>(Map.of("alice", STRONG, "bob", WEAK,
        "carol", SHARP, "mallory", HARMFUL, "dave", Blobs.train(Blobs.sample(80, 0.8, 5), 4, 0.5),
        "erin", Blobs.train(Blobs.sample(120, 1.2, 6), 6, 0.3)));
    Utility auc = Blobs.utility("auc");
    ContributionScorer shapley = ContributionScorers.create("shapley", Map.of());

    RoundUpdates six = Blobs.round(updates);
    assertThat(shapley.score(six, auc)).isEqualTo(new ExactShapley().score(six, auc));

    updates.put("frank", Blobs.train(Blobs.sample(30, 1.0, 7), 2, 0.5));
    RoundUpdates seven = Blobs.round(updates);
    assertThat(shapley.score(seven, auc)).isEqualTo(new GtgShapley().score(seven, auc));
  }

  @Test
  void gtgParametersAreReadByName() {
    ContributionScorer scorer = ContributionScorers.create("gtg", Map.of("truncation", 0.01,
        "round_truncation", 0.02, "convergence", 0.03, "max_permutations", 40.0, "seed", 9.0));

    assertThat(((GtgShapley) scorer).settings())
        .isEqualTo(new GtgShapley.Settings(0.01, 0.02, 0.03, 40, 9));
  }

  @Test
  void unknownScorersAndParametersAreRefusedWithTheChoices() {
    assertThatThrownBy(() -> ContributionScorers.create("banzhaf", Map.of()))
        .hasMessage("unknown contribution scorer 'banzhaf': use one of [shapley, gtg, loo]");
    assertThatThrownBy(() -> ContributionScorers.create("shapley", Map.of("epsilon", 1.0)))
        .hasMessageContaining("contribution scorer shapley has no parameter 'epsilon': use [");
    assertThatThrownBy(() -> ContributionScorers.create("loo", Map.of("seed", 1.0)))
        .hasMessage("contribution scorer loo has no parameter 'seed'");
    assertThatThrownBy(() -> ContributionScorers.create("gtg", Map.of("seed", 1.5)))
        .hasMessageContaining("seed must be a whole number");
    assertThatThrownBy(() -> ContributionScorers.create("gtg", Map.of("max_permutations", 0.0)))
        .hasMessageContaining("max permutations must be at least 1, got 0");
  }

  @Test
  void utilitiesAreChosenByMetricName() {
    assertThat(Blobs.utility("accuracy").value(Blobs.BASE)).isEqualTo(0.5);
    assertThat(Blobs.utility("auc").value(Blobs.BASE)).isEqualTo(0.5);
    assertThat(Blobs.utility("neg_loss").value(Blobs.BASE)).isCloseTo(-Math.log(2), within(1e-6));
    assertThatThrownBy(() -> Blobs.utility("f1"))
        .hasMessage("unknown utility metric 'f1': use one of [accuracy, auc, neg_loss]");
    ValidationSet negativesOnly = new ValidationSet(new float[] {1, 2}, new int[] {0}, 2, 2);
    assertThatThrownBy(() -> Utility.validation("auc", Blobs.LOGISTIC, negativesOnly))
        .hasMessageContaining("needs both classes in the validation set, it has only class 0");
  }
}
