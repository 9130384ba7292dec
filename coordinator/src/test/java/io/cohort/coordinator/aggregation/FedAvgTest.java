package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.proto.v1.TrainConfig;
import org.junit.jupiter.api.Test;

class FedAvgTest {

  @Test
  void eachRoundAddsTheSampleWeightedMeanDelta() {
    // x1 = [1, 2, 3] + [3, 1, -2]; x2 = x1 + [1, 2, -2]
    TwoRounds.assertRounds(new FedAvg(), new double[] {4, 3, 1}, new double[] {5, 5, -1});
  }

  @Test
  void finishRoundLeavesTheCurrentModelUntouched() {
    float[] current = TwoRounds.START.clone();

    TwoRounds.finish(new FedAvg(), current, new float[][] {{1, 1, 1}}, new long[] {5});

    assertThat(current).containsExactly(TwoRounds.START);
  }

  @Test
  void roundConfigurationIsPassedThrough() {
    TrainConfig base = TrainConfig.newBuilder().setLocalEpochs(2).setLearningRate(0.05).build();

    assertThat(new FedAvg().configureRound(1, base)).isEqualTo(base);
  }

  @Test
  void roundWithoutUpdatesIsAnError() {
    FedAvg fedAvg = new FedAvg();

    assertThatThrownBy(() -> fedAvg.finishRound(TwoRounds.START, fedAvg.newAccumulator(3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no updates");
  }

  @Test
  void updatesOfAnotherSizeThanTheModelAreRejected() {
    FedAvg fedAvg = new FedAvg();
    UpdateAccumulator accumulator = fedAvg.newAccumulator(3);
    accumulator.add(new float[] {1, 2, 3}, 1);

    assertThatThrownBy(() -> fedAvg.finishRound(new float[4], accumulator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 elements but the model has 4");
  }

  @Test
  void accumulatorNotMadeByTheStrategyIsRejected() {
    UpdateAccumulator foreign = new UpdateAccumulator() {
      @Override
      public void add(float[] delta, long weight) {}

      @Override
      public int count() {
        return 1;
      }

      @Override
      public long totalWeight() {
        return 1;
      }
    };

    assertThatThrownBy(() -> new FedAvg().finishRound(TwoRounds.START, foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newAccumulator");
  }

  @Test
  void stateIsEmptyAndStateOfAnotherStrategyIsRejected() {
    FedAvgM withMomentum = new FedAvgM(1.0, 0.9);
    TwoRounds.firstRound(withMomentum);
    FedAvg fedAvg = new FedAvg();

    assertThat(fedAvg.saveState()).isEmpty();
    assertThatThrownBy(() -> fedAvg.restoreState(withMomentum.saveState()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fedavg is stateless");
  }
}
