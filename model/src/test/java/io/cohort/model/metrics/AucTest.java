package io.cohort.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AucTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void histogramAucMatchesExactAucWithinOneHundredth(long seed) {
    Random random = new Random(seed);
    int n = 2000;
    double[] scores = new double[n];
    boolean[] positive = new boolean[n];
    ScoreHistogram histogram = new ScoreHistogram();
    double separation = 0.5 + seed * 0.3;
    for (int i = 0; i < n; i++) {
      positive[i] = random.nextDouble() < 0.4;
      double logit = random.nextGaussian() + (positive[i] ? separation : -separation);
      scores[i] = 1 / (1 + Math.exp(-logit));
      histogram.add(scores[i], positive[i]);
    }

    assertThat(histogram.auc()).isCloseTo(Auc.exact(scores, positive), within(0.01));
  }

  @Test
  void exactAucOfHandMadeScores() {
    // pairs (pos, neg): 0.9>0.1, 0.9>0.4, 0.35<0.4, 0.35>0.1, 0.4=0.4 tie -> (4 + 0.5) / 6
    double[] scores = {0.9, 0.35, 0.4, 0.1, 0.4};
    boolean[] positive = {true, true, true, false, false};

    assertThat(Auc.exact(scores, positive)).isCloseTo(4.5 / 6, within(1e-12));
  }

  @Test
  void separatedReversedAndTiedScores() {
    assertThat(Auc.fromHistograms(new long[] {0, 0, 3}, new long[] {2, 0, 0})).isEqualTo(1.0);
    assertThat(Auc.fromHistograms(new long[] {3, 0, 0}, new long[] {0, 0, 2})).isEqualTo(0.0);
    assertThat(Auc.fromHistograms(new long[] {0, 3, 0}, new long[] {0, 2, 0})).isEqualTo(0.5);
    assertThat(Auc.exact(new double[] {0.2, 0.2}, new boolean[] {true, false})).isEqualTo(0.5);
  }

  @Test
  void aucIsUndefinedWithOneClassOnly() {
    assertThat(Auc.fromHistograms(new long[] {1, 2}, new long[] {0, 0})).isNaN();
    assertThat(Auc.exact(new double[] {0.1, 0.7}, new boolean[] {false, false})).isNaN();
  }

  @Test
  void binsAreEqualAndOneFallsInTheLast() {
    assertThat(ScoreHistogram.binOf(0.0, 100)).isZero();
    assertThat(ScoreHistogram.binOf(0.0099, 100)).isZero();
    assertThat(ScoreHistogram.binOf(0.01, 100)).isEqualTo(1);
    assertThat(ScoreHistogram.binOf(0.995, 100)).isEqualTo(99);
    assertThat(ScoreHistogram.binOf(1.0, 100)).isEqualTo(99);
  }

  @Test
  void addingReportedHistogramsGivesTheUnionsAuc() {
    ScoreHistogram siteA = new ScoreHistogram();
    ScoreHistogram siteB = new ScoreHistogram();
    ScoreHistogram all = new ScoreHistogram();
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      boolean positive = random.nextBoolean();
      double score = Math.min(1, Math.max(0, random.nextGaussian() * 0.2 + (positive ? 0.6 : 0.4)));
      (i % 3 == 0 ? siteA : siteB).add(score, positive);
      all.add(score, positive);
    }

    ScoreHistogram union = ScoreHistogram.of(siteA.positiveCounts(), siteA.negativeCounts());
    union.add(siteB.positiveCounts(), siteB.negativeCounts());

    assertThat(union.positive()).containsExactly(all.positive());
    assertThat(union.negative()).containsExactly(all.negative());
    assertThat(union.auc()).isEqualTo(all.auc());
  }
}
