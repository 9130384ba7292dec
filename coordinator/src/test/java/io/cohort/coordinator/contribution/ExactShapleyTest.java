package io.cohort.coordinator.contribution;

import static io.cohort.coordinator.contribution.Blobs.HARMFUL;
import static io.cohort.coordinator.contribution.Blobs.SHARP;
import static io.cohort.coordinator.contribution.Blobs.STRONG;
import static io.cohort.coordinator.contribution.Blobs.WEAK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.layout.ParameterLayout;
import io.cohort.model.layout.TensorShape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExactShapleyTest {

  private final ExactShapley shapley = new ExactShapley();

  @ParameterizedTest
  @ValueSource(strings = {"accuracy", "auc", "neg_loss"})
  void aCopiedUpdateSplitsTheOriginalsValueInsteadOfAddingToIt(String metric) {
    Utility utility = Blobs.utility(metric);
    Map<String, Double> alone = shapley.score(
        Blobs.round(Map.of("alice", STRONG, "bob", WEAK)), utility);

    Map<String, Double> copied = shapley.score(Blobs.round(
        Map.of("alice", STRONG, "bob", WEAK, "mallory", Blobs.copyOf(STRONG))), utility);

    double onePercent = 0.01 * Blobs.sum(alone);
    assertThat(copied.get("mallory")).isEqualTo(copied.get("alice"));
    assertThat(copied.get("alice") + copied.get("mallory"))
        .isCloseTo(alone.get("alice"), within(onePercent));
    assertThat(copied.get("bob")).isCloseTo(alone.get("bob"), within(onePercent));
  }

  @ParameterizedTest
  @ValueSource(strings = {"accuracy", "auc", "neg_loss"})
  void aNodeSendingAZeroUpdateScoresAboutZeroWhateverSampleCountItClaims(String metric) {
    RoundUpdates round = Blobs.round(
        Map.of("alice", STRONG, "bob", WEAK, "carol", SHARP, "freerider", Blobs.zeroUpdate(500)));

    Map<String, Double> scores = shapley.score(round, Blobs.utility(metric));

    assertThat(scores.get("freerider")).isLessThanOrEqualTo(0.01 * Blobs.sum(scores));
    assertThat(scores.get("alice")).isPositive();
  }

  @Test
  void identicalNodesGetEqualScoresThatShareTheRoundsGain() {
    Map<String, NodeUpdate> updates = new HashMap<>();
    for (String node : List.of("n1", "n2", "n3", "n4")) {
      updates.put(node, Blobs.copyOf(SHARP));
    }
    RoundUpdates round = Blobs.round(updates);
    Utility auc = Blobs.utility("auc");

    Map<String, Double> scores = shapley.score(round, auc);

    assertThat(scores.values()).containsOnly(Blobs.gain(round, auc) / 4);
  }

  @Test
  void valuesBeforeFlooringSumToTheGainOfAllNodesOverTheBaseModel() {
    RoundUpdates round = Blobs.round(Map.of("alice", STRONG, "bob", WEAK, "carol", SHARP,
        "mallory", HARMFUL, "freerider", Blobs.zeroUpdate(80)));
    Utility auc = Blobs.utility("auc");

    Map<String, Double> values = shapley.values(round, auc);
    Map<String, Double> scores = shapley.score(round, auc);

    assertThat(Blobs.sum(values)).isCloseTo(Blobs.gain(round, auc), within(1e-12));
    assertThat(values.get("mallory")).isNegative();
    assertThat(scores.get("mallory")).isZero();
    assertThat(scores.get("alice")).isEqualTo(values.get("alice"));
  }

  @Test
  void shapleyValuesOfAHandComputedTwoNodeGame() {
    // one tensor of two values, base zero; utility w0 + 3 w1 of the sample-weighted mean delta:
    // v() = 0, v(a) = 2 (delta (2, 0)), v(b) = 6 (delta (0, 2)), v(ab) = 1 + 3 = 4.
    // phi_a = (v(a) - v()) / 2 + (v(ab) - v(b)) / 2 = 0; phi_b = 6 / 2 + (4 - 2) / 2 = 4.
    ParameterLayout layout = new ParameterLayout(List.of(new TensorShape("w", new long[] {2})));
    RoundUpdates round = new RoundUpdates(new float[2], layout, layout, Map.of(
        "a", new NodeUpdate(new float[] {2, 0}, 5), "b", new NodeUpdate(new float[] {0, 2}, 5)));

    Map<String, Double> values = shapley.values(round, params -> params[0] + 3 * params[1]);

    assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of("a", 0.0, "b", 4.0));
  }

  @Test
  void evaluatesEachOfTheTwoToTheNCoalitionsExactlyOnce() {
    AtomicInteger calls = new AtomicInteger();
    Utility auc = Blobs.utility("auc");
    RoundUpdates round = Blobs.round(
        Map.of("alice", STRONG, "bob", WEAK, "carol", SHARP, "mallory", HARMFUL));

    shapley.score(round, params -> {
      calls.incrementAndGet();
      return auc.value(params);
    });

    assertThat(calls).hasValue(16);
  }

  @Test
  void refusesMoreDistinctUpdatesThanItCanAfford() {
    Map<String, NodeUpdate> updates = new HashMap<>();
    for (int i = 0; i <= ExactShapley.MAX_PLAYERS; i++) {
      updates.put("node" + i, Blobs.zeroUpdate(i + 1L));
      updates.get("node" + i).delta()[0] = i;
    }

    assertThatThrownBy(() -> shapley.score(Blobs.round(updates), params -> 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("17 distinct updates need 2^17 utility evaluations");
  }

  @Test
  void aUtilityThatIsNotANumberIsAnErrorNamingTheCoalition() {
    RoundUpdates round = Blobs.round(Map.of("alice", STRONG));

    assertThatThrownBy(() -> shapley.score(round, params -> Double.NaN))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("utility is NaN for the sub-model of []");
  }
}
