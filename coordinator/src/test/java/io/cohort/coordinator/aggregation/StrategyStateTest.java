package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Server optimizer state across a coordinator restart: saveState, then restoreState elsewhere. */
class StrategyStateTest {

  static final List<String> NAMES = StrategyFactory.NAMES;

  @ParameterizedTest
  @FieldSource("NAMES")
  void restoredStrategyComputesTheSameNextRoundBitForBit(String name) {
    Strategy running = StrategyFactory.create(name, Map.of());
    float[] afterFirst = TwoRounds.firstRound(running);
    Strategy restarted = StrategyFactory.create(name, Map.of());

    restarted.restoreState(running.saveState());

    assertThat(TwoRounds.secondRound(restarted, afterFirst))
        .containsExactly(TwoRounds.secondRound(running, afterFirst));
    assertThat(restarted.saveState()).isEqualTo(running.saveState());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadam", "fedyogi", "fedadagrad"})
  void serverOptimizerStateIsEmptyBeforeTheFirstRoundAndNotAfter(String name) {
    Strategy strategy = StrategyFactory.create(name, Map.of());
    assertThat(strategy.saveState()).isEmpty();

    TwoRounds.firstRound(strategy);

    assertThat(strategy.saveState()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadam", "fedyogi", "fedadagrad"})
  void restoringEmptyStateStartsTheOptimizerOver(String name) {
    Strategy strategy = StrategyFactory.create(name, Map.of());
    TwoRounds.firstRound(strategy);

    strategy.restoreState(new byte[0]);

    assertThat(TwoRounds.bothRounds(strategy))
        .containsExactly(TwoRounds.bothRounds(StrategyFactory.create(name, Map.of())));
  }

  @Test
  void savedStateIsALittleEndianHeaderFollowedByFloat32Vectors() {
    FedAvgM fedAvgM = new FedAvgM(0.5, 0.9);
    TwoRounds.firstRound(fedAvgM);

    ByteBuffer saved = ByteBuffer.wrap(fedAvgM.saveState()).order(ByteOrder.LITTLE_ENDIAN);

    byte[] magicVersionAndName = new byte[4 + 1 + 1 + 7];
    saved.get(magicVersionAndName);
    assertThat(magicVersionAndName)
        .isEqualTo("CSOS\u0001\u0007fedavgm".getBytes(StandardCharsets.US_ASCII));
    assertThat(saved.getLong()).as("rounds").isEqualTo(1);
    assertThat(saved.getInt()).as("elements").isEqualTo(3);
    assertThat(saved.get()).as("vectors").isEqualTo((byte) 1);
    assertThat(new float[] {saved.getFloat(), saved.getFloat(), saved.getFloat()})
        .as("momentum after round 1 is the mean delta").containsExactly(3, 1, -2);
    assertThat(saved.hasRemaining()).isFalse();
  }

  @Test
  void truncatedStateIsRejectedWithTheExpectedLength() {
    byte[] saved = stateAfterFirstRound("fedadam");

    assertThatThrownBy(() -> freshAdam().restoreState(Arrays.copyOf(saved, saved.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot restore fedadam state")
        .hasMessageContaining("bytes, expected " + saved.length);
  }

  @Test
  void stateWithTrailingBytesIsRejected() {
    byte[] saved = stateAfterFirstRound("fedadam");

    assertThatThrownBy(() -> freshAdam().restoreState(Arrays.copyOf(saved, saved.length + 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected " + saved.length);
  }

  @Test
  void stateShorterThanAnyHeaderIsRejected() {
    assertThatThrownBy(() -> freshAdam().restoreState(new byte[] {'C', 'S'}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter than the smallest header");
  }

  @Test
  void stateOfAnotherFormatVersionIsRejected() {
    byte[] saved = stateAfterFirstRound("fedadam");
    saved[4] = 2;

    assertThatThrownBy(() -> freshAdam().restoreState(saved))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format version 2")
        .hasMessageContaining("reads version 1");
  }

  @Test
  void bytesWithoutTheMagicAreRejected() {
    byte[] saved = stateAfterFirstRound("fedadam");
    saved[0] = 'X';

    assertThatThrownBy(() -> freshAdam().restoreState(saved))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("magic");
  }

  @Test
  void stateOfAnotherStrategyIsRejectedEvenWithTheSameShape() {
    byte[] yogiState = stateAfterFirstRound("fedyogi");

    assertThatThrownBy(() -> freshAdam().restoreState(yogiState))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saved by strategy fedyogi");
  }

  @Test
  void rejectedStateLeavesTheOptimizerAsItWas() {
    Strategy fedAdam = freshAdam();
    float[] afterFirst = TwoRounds.firstRound(fedAdam);
    byte[] before = fedAdam.saveState();
    byte[] corrupt = Arrays.copyOf(before, before.length - 1);

    assertThatThrownBy(() -> fedAdam.restoreState(corrupt))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(fedAdam.saveState()).isEqualTo(before);
    Strategy reference = freshAdam();
    TwoRounds.firstRound(reference);
    assertThat(TwoRounds.secondRound(fedAdam, afterFirst))
        .containsExactly(TwoRounds.secondRound(reference, afterFirst));
  }

  @Test
  void restoredStateForAModelOfAnotherSizeIsRejectedAtTheNextRound() {
    Strategy fedAdam = freshAdam();
    fedAdam.restoreState(stateAfterFirstRound("fedadam"));

    assertThatThrownBy(() -> TwoRounds.finish(fedAdam, new float[4], new float[][] {{1, 1, 1, 1}},
        new long[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state has 3 elements but the model has 4");
  }

  private static Strategy freshAdam() {
    return StrategyFactory.create("fedadam", Map.of());
  }

  private static byte[] stateAfterFirstRound(String name) {
    Strategy strategy = StrategyFactory.create(name, Map.of());
    TwoRounds.firstRound(strategy);
    return strategy.saveState();
  }
}
