package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The robust strategies against results computed by hand. */
class RobustStrategiesTest {

  static final float[] START = {1, 2, 3};
  // Four honest-looking updates and one attacker (node e) far away.
  static final float[][] UPDATES = {
      {1, 0, -1},
      {2, 1, -2},
      {3, 0, -1},
      {2, 2, -3},
      {100, -100, 50}};
  static final String[] NODES = {"a", "b", "c", "d", "e"};

  @TempDir Path staging;

  float[] finish(Strategy strategy, float[][] updates) {
    UpdateAccumulator acc = strategy.newAccumulator(START.length);
    for (int i = 0; i < updates.length; i++) {
      acc.add(NODES[i], updates[i], 10 + i);
    }
    lastFlags = null;
    float[] next = strategy.finishRound(START, acc);
    lastFlags = acc.flagged();
    return next;
  }

  Map<String, String> lastFlags;

  static void assertModel(float[] actual, double... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("parameter %d", i).isCloseTo(expected[i],
          Offset.offset(1e-5));
    }
  }

  @Test
  void medianMovesEachParameterByTheMiddleValue() {
    // sorted columns: {1,2,2,3,100} {-100,0,0,1,2} {-3,-2,-1,-1,50} -> medians 2, 0, -1
    assertModel(finish(new CoordinateMedian(staging), UPDATES), 3, 2, 2);
    assertThat(lastFlags).containsOnlyKeys("e");
    assertThat(lastFlags.get("e")).contains("outlier");
  }

  @Test
  void medianOfAnEvenCountAveragesTheTwoMiddleValues() {
    float[][] four = {{1, 4, 0}, {2, 3, 0}, {3, 2, 0}, {10, 1, 0}};
    // {1,2,3,10} -> 2.5; {1,2,3,4} -> 2.5; zeros -> 0
    assertModel(finish(new CoordinateMedian(staging), four), 3.5, 4.5, 3);
  }

  @Test
  void trimmedMeanDropsTheExtremesOfEachParameter() {
    // beta 0.2 of 5 -> trim 1 per side: {2,2,3} -> 7/3; {0,0,1} -> 1/3; {-2,-1,-1} -> -4/3
    assertModel(finish(new TrimmedMean(0.2, staging), UPDATES), 1 + 7.0 / 3, 2 + 1.0 / 3,
        3 - 4.0 / 3);
  }

  @Test
  void trimmedMeanWithBetaZeroIsThePlainUnweightedMean() {
    // column sums 108, -97, 43 over 5
    assertModel(finish(new TrimmedMean(0.0, staging), UPDATES), 1 + 108 / 5.0, 2 - 97 / 5.0,
        3 + 43 / 5.0);
  }

  @Test
  void krumAppliesTheUpdateClosestToItsNeighbours() {
    // f=1, n=5: each score sums the 2 smallest squared distances to the others.
    // d2(a,b)=3 d2(a,c)=4 d2(a,d)=9 d2(b,c)=3 d2(b,d)=2 d2(c,d)=9 (e is >10^4 from all)
    // scores: a 3+4=7, b 2+3=5, c 3+4=7, d 2+9=11 -> b
    assertModel(finish(new Krum("krum", 1, 1, staging), UPDATES), 3, 3, 1);
    assertThat(lastFlags).containsOnlyKeys("e");
    assertThat(lastFlags.get("e")).contains("not selected by krum");
  }

  @Test
  void krumLeavesOutButDoesNotFlagAnHonestUpdateThatIsNoOutlier() {
    float[][] honest = {UPDATES[0], UPDATES[1], UPDATES[2], UPDATES[3]};
    // f=1, n=4: one neighbour; scores a 3, b 2, c 3, d 2 -> b applied; c is last but typical
    assertModel(finish(new Krum("krum", 1, 1, staging), honest), 3, 3, 1);
    assertThat(lastFlags).isEmpty();
  }

  @Test
  void multiKrumAveragesTheBestScoredUpdates() {
    // m=0 -> n - f = 4: a, b, c, d -> mean (2, 0.75, -1.75)
    assertModel(finish(new Krum("multikrum", 1, 0, staging), UPDATES), 3, 2.75, 1.25);
    // m=2 -> b and then a (score 7, earlier than c) -> mean (1.5, 0.5, -1.5)
    assertModel(finish(new Krum("multikrum", 1, 2, staging), UPDATES), 2.5, 2.5, 1.5);
  }

  @Test
  void sampleCountsDoNotWeightRobustAggregates() {
    Strategy median = new CoordinateMedian(staging);
    UpdateAccumulator acc = median.newAccumulator(1);
    acc.add("honest1", new float[] {1}, 1);
    acc.add("honest2", new float[] {1}, 1);
    acc.add("liar", new float[] {50}, 1_000_000);

    assertModel(median.finishRound(new float[] {0}, acc), 1);
  }

  @Test
  void normFilterLeavesOutAndFlagsUpdatesAboveTheBound() {
    Strategy filtered = StrategyFactory.create("fedavg", Map.of("norm_filter_bound", 10.0),
        staging);
    // e's norm is about 150: filtered; FedAvg of a..d weighted 10, 11, 12, 13 (total 46)
    float[] next = finish(filtered, UPDATES);
    assertModel(next, 1 + (10 + 22 + 36 + 26) / 46.0, 2 + (0 + 11 + 0 + 26) / 46.0,
        3 + (-10 - 22 - 12 - 39) / 46.0);
    assertThat(lastFlags).containsOnlyKeys("e");
    assertThat(lastFlags.get("e")).contains("exceeds norm_filter_bound 10.0");
  }

  @Test
  void normFilterThatFiltersEverythingKeepsTheModel() {
    Strategy filtered = StrategyFactory.create("median", Map.of("norm_filter_bound", 0.5),
        staging);
    assertModel(finish(filtered, UPDATES), 1, 2, 3);
    assertThat(lastFlags).hasSize(5);
  }

  @Test
  void roundFilesAreMemoryMappedInTheStagingDirAndDeletedAfterTheRound() throws Exception {
    Strategy median = new CoordinateMedian(staging);
    UpdateAccumulator acc = median.newAccumulator(3);
    acc.add("a", new float[] {1, 2, 3}, 1);
    acc.add("b", new float[] {3, 2, 1}, 1);
    try (var files = Files.walk(staging)) {
      assertThat(files.filter(p -> p.toString().endsWith(".f32")).count()).isEqualTo(2);
    }
    median.finishRound(START, acc);
    assertThat(staging.resolve("round-1")).doesNotExist();
  }

  @Test
  void leftoversOfAnUnfinishedRoundAreDeletedByTheNextRound() {
    Strategy krum = new Krum("krum", 0, 1, staging);
    krum.newAccumulator(3).add("a", new float[] {1, 2, 3}, 1); // quorum missed: never finished
    UpdateAccumulator next = krum.newAccumulator(3);
    assertThat(staging.resolve("round-1")).doesNotExist();
    next.add("b", new float[] {1, 1, 1}, 1);
    assertModel(krum.finishRound(START, next), 2, 3, 4);
  }

  @Test
  void blocksCoverModelsLargerThanOneBlock() {
    int elements = RobustStrategy.BLOCK * 2 + 7;
    Strategy median = new CoordinateMedian(staging);
    UpdateAccumulator acc = median.newAccumulator(elements);
    for (int u = 0; u < 3; u++) {
      float[] d = new float[elements];
      for (int i = 0; i < elements; i++) {
        d[i] = (i % 5) * (u + 1); // median over u is the u=1 value: 2 * (i % 5)
      }
      acc.add("n" + u, d, 1);
    }
    float[] next = median.finishRound(new float[elements], acc);
    for (int i = 0; i < elements; i += 997) {
      assertThat(next[i]).isEqualTo(2f * (i % 5));
    }
    assertThat(next[elements - 1]).isEqualTo(2f * ((elements - 1) % 5));
  }

  @Test
  void factoryRefusesBadRobustParameters() {
    assertThatThrownBy(() -> StrategyFactory.create("trimmed_mean", Map.of("beta", 0.5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta must be in [0, 0.5)");
    assertThatThrownBy(() -> StrategyFactory.create("krum", Map.of("f", 1.5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("f must be in");
    assertThatThrownBy(() -> StrategyFactory.create("krum", Map.of("m", 2.0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no parameter 'm'");
    assertThatThrownBy(() -> StrategyFactory.create("median",
        Map.of("central_dp_noise_multiplier", 1.0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("central DP");
    assertThatThrownBy(() -> StrategyFactory.create("fedavg", Map.of("norm_filter_bound", -1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("norm_filter_bound must be in (0, inf)");
  }

  @Test
  void robustStrategiesHaveNoState() {
    Strategy krum = new Krum("krum", 1, 1, staging);
    assertThat(krum.saveState()).isEmpty();
    assertThatThrownBy(() -> krum.restoreState(new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
