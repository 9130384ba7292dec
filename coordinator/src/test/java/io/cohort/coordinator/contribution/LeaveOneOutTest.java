package io.cohort.coordinator.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cohort.model.layout.ParameterLayout;
import io.cohort.model.layout.TensorShape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaveOneOutTest {

  /** A frozen scalar first, then the trainable tensor w of two values. */
  static final ParameterLayout FULL = new ParameterLayout(List.of(
      new TensorShape("frozen", new long[] {1}), new TensorShape("w", new long[] {2})));
  static final ParameterLayout TRAINABLE = FULL.without(List.of("frozen"));

  @Test
  void leaveOneOutValuesOfAHandComputedRound() {
    // base (frozen 0.5, w = 0 0); utility = w0 + w1 + frozen.
    // all:      (1 * (2,0) + 1 * (0,2) + 2 * (2,2)) / 4 = (1.5, 1.5) -> 3.5
    // without a: (1 * (0,2) + 2 * (2,2)) / 3 = (4/3, 2)          -> 3.8333
    // without b: (1 * (2,0) + 2 * (2,2)) / 3 = (2, 4/3)          -> 3.8333
    // without c: ((2,0) + (0,2)) / 2 = (1, 1)                    -> 2.5
    RoundUpdates round = new RoundUpdates(new float[] {0.5f, 0, 0}, FULL, TRAINABLE, Map.of(
        "a", new NodeUpdate(new float[] {2, 0}, 1),
        "b", new NodeUpdate(new float[] {0, 2}, 1),
        "c", new NodeUpdate(new float[] {2, 2}, 2)));
    Utility sum = params -> params[0] + params[1] + params[2];
    LeaveOneOut loo = new LeaveOneOut();

    Map<String, Double> values = loo.values(round, sum);
    Map<String, Double> scores = loo.score(round, sum);

    assertThat(values.get("a")).isCloseTo(-1.0 / 3, within(1e-6));
    assertThat(values.get("b")).isCloseTo(-1.0 / 3, within(1e-6));
    assertThat(values.get("c")).isCloseTo(1.0, within(1e-6));
    assertThat(scores).containsExactlyInAnyOrderEntriesOf(Map.of("a", 0.0, "b", 0.0, "c", values.get("c")));
  }

  @Test
  void costsOneEvaluationPerNodePlusOne() {
    int[] calls = {0};
    RoundUpdates round = Blobs.round(Map.of("alice", Blobs.STRONG, "bob", Blobs.WEAK,
        "carol", Blobs.SHARP, "mallory", Blobs.HARMFUL));

    new LeaveOneOut().score(round, params -> ++calls[0]);

    assertThat(calls[0]).isEqualTo(5);
  }
}
