package io.cohort.coordinator.contribution;

import static io.cohort.coordinator.contribution.Blobs.HARMFUL;
import static io.cohort.coordinator.contribution.Blobs.SHARP;
import static io.cohort.coordinator.contribution.Blobs.STRONG;
import static io.cohort.coordinator.contribution.Blobs.WEAK;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GtgShapleyTest {

  static final Map<String, NodeUpdate> FIVE_NODES = Map.of("alice", STRONG, "bob", WEAK,
      "carol", SHARP, "mallory", HARMFUL, "freerider", Blobs.zeroUpdate(80));

  @Test
  void estimatesOnFiveNodesAreOnAverageWithinThreePercentOfTheRoundsGainOfTheExactValues() {
    RoundUpdates round = Blobs.round(FIVE_NODES);
    Utility auc = Blobs.utility("auc");
    Map<String, Double> exact = new ExactShapley().values(round, auc);
    double gain = Blobs.gain(round, auc);

    double worst = 0;
    double errorSum = 0;
    for (long seed = 1; seed <= 5; seed++) {
      GtgShapley gtg = new GtgShapley(withSeed(seed));
      Map<String, Double> estimate = gtg.estimate(round, auc).values();
      for (String node : exact.keySet()) {
        double error = Math.abs(estimate.get(node) - exact.get(node)) / gain;
        worst = Math.max(worst, error);
        errorSum += error;
      }
    }

    // Monte-Carlo error: about 2% of the gain on average, the harmful node's the largest (~11%)
    assertThat(errorSum / 25).isLessThan(0.03);
    assertThat(worst).isLessThan(0.15);
  }

  @Test
  void theSameRoundAndSeedGiveTheSameScores() {
    Map<String, NodeUpdate> eight = new HashMap<>(FIVE_NODES);
    eight.put("dave", Blobs.train(Blobs.sample(80, 0.8, 5), 4, 0.5));
    eight.put("erin", Blobs.train(Blobs.sample(120, 1.2, 6), 6, 0.3));
    eight.put("frank", Blobs.train(Blobs.sample(30, 1.0, 7), 2, 0.5));
    Utility auc = Blobs.utility("auc");

    GtgShapley.Estimate first = new GtgShapley().estimate(Blobs.round(eight), auc);
    GtgShapley.Estimate second = new GtgShapley().estimate(Blobs.round(eight), auc);

    assertThat(second).isEqualTo(first);
    assertThat(first.converged()).isTrue();
  }

  @Test
  void aRoundThatBarelyMovesTheModelIsNotDividedAtAll() {
    RoundUpdates round = Blobs.round(
        Map.of("alice", scaled(STRONG, 1e-5f), "bob", scaled(SHARP, 1e-5f)));

    GtgShapley.Estimate estimate = new GtgShapley().estimate(round, Blobs.utility("neg_loss"));

    assertThat(estimate.roundTruncated()).isTrue();
    assertThat(estimate.values().values()).containsOnly(0.0);
    assertThat(estimate.evaluations()).isEqualTo(2);
  }

  @Test
  void neverEvaluatesTheSameCoalitionTwice() {
    AtomicInteger calls = new AtomicInteger();
    Utility auc = Blobs.utility("auc");

    GtgShapley.Estimate estimate = new GtgShapley().estimate(Blobs.round(FIVE_NODES), params -> {
      calls.incrementAndGet();
      return auc.value(params);
    });

    assertThat(estimate.permutations()).isGreaterThanOrEqualTo(30);
    assertThat(calls.get()).isEqualTo(estimate.evaluations()).isLessThanOrEqualTo(32);
  }

  @Test
  void stopsAtThePermutationCapWhenItHasNotConverged() {
    GtgShapley.Settings d = GtgShapley.Settings.DEFAULTS;
    GtgShapley capped = new GtgShapley(new GtgShapley.Settings(d.truncation(),
        d.roundTruncation(), d.convergence(), 7, d.seed()));

    GtgShapley.Estimate estimate = capped.estimate(Blobs.round(FIVE_NODES), Blobs.utility("auc"));

    assertThat(estimate.permutations()).isEqualTo(7);
    assertThat(estimate.converged()).isFalse();
  }

  private static GtgShapley.Settings withSeed(long seed) {
    GtgShapley.Settings d = GtgShapley.Settings.DEFAULTS;
    return new GtgShapley.Settings(d.truncation(), d.roundTruncation(), d.convergence(),
        d.maxPermutations(), seed);
  }

  private static NodeUpdate scaled(NodeUpdate update, float factor) {
    float[] delta = update.delta().clone();
    for (int k = 0; k < delta.length; k++) {
      delta[k] *= factor;
    }
    return new NodeUpdate(delta, update.samples());
  }
}
