package io.cohort.coordinator.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.coordinator.aggregation.FedAvg;
import io.cohort.coordinator.aggregation.UpdateAccumulator;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RoundUpdatesTest {

  static final ModelArchitecture FROZEN_FIRST_LAYER = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("mlp").setInputFeatures(3).addHiddenLayers(4).setNumClasses(2)
      .addFrozenTensors("layer0.weight").build());

  @Test
  void allNodesTogetherGiveExactlyTheModelFedAvgAggregates() {
    ParameterLayout full = FROZEN_FIRST_LAYER.layout();
    ParameterLayout trainable = FROZEN_FIRST_LAYER.trainableLayout();
    float[] base = FROZEN_FIRST_LAYER.initialize(1);
    Map<String, NodeUpdate> updates = randomUpdates(trainable.totalElements(), 5);
    FedAvg fedAvg = new FedAvg();
    UpdateAccumulator accumulator = fedAvg.newAccumulator(trainable.totalElements());
    updates.values().forEach(u -> accumulator.add(u.delta(), u.samples()));

    float[] together = new RoundUpdates(base, full, trainable, updates)
        .subModel(updates.keySet());

    float[] fedAvgTrainable = fedAvg.finishRound(trainable.extractFrom(full, base), accumulator);
    assertThat(trainable.extractFrom(full, together)).containsExactly(fedAvgTrainable);
    ParameterLayout frozen = full.without(trainable.tensors().stream().map(t -> t.name()).toList());
    assertThat(frozen.extractFrom(full, together)).containsExactly(frozen.extractFrom(full, base));
  }

  @Test
  void noNodesGiveTheBaseModel() {
    float[] base = FROZEN_FIRST_LAYER.initialize(2);
    RoundUpdates round = new RoundUpdates(base, FROZEN_FIRST_LAYER.layout(),
        FROZEN_FIRST_LAYER.trainableLayout(),
        randomUpdates(FROZEN_FIRST_LAYER.trainableLayout().totalElements(), 3));

    assertThat(round.subModel(List.of())).containsExactly(base);
  }

  @Test
  void nodesWithIdenticalUpdatesArePlayedAsOnePlayer() {
    RoundUpdates round = Blobs.round(Map.of("alice", Blobs.STRONG, "bob", Blobs.WEAK,
        "mallory", Blobs.copyOf(Blobs.STRONG), "zed", Blobs.copyOf(Blobs.STRONG)));

    assertThat(round.players())
        .containsExactly(List.of("alice", "mallory", "zed"), List.of("bob"));
    assertThat(round.playerCount()).isEqualTo(2);
    assertThat(round.size()).isEqualTo(4);
  }

  @Test
  void refusesAnUpdateOfAnotherShape() {
    assertThatThrownBy(() -> Blobs.round(Map.of("alice", new NodeUpdate(new float[5], 10))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("update of node alice has 5 elements, the trainable layout 6");
  }

  @Test
  void refusesASubModelOfNodesThatSentNothing() {
    RoundUpdates round = Blobs.round(Map.of("alice", Blobs.STRONG));

    assertThatThrownBy(() -> round.subModel(List.of("alice", "eve")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no update from [eve]");
  }

  @Test
  void refusesAnUpdateWithoutSamples() {
    assertThatThrownBy(() -> new NodeUpdate(new float[6], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive, got 0");
  }

  private static Map<String, NodeUpdate> randomUpdates(int elements, int nodes) {
    SplittableRandom random = new SplittableRandom(elements);
    Map<String, NodeUpdate> updates = new TreeMap<>();
    for (int i = 0; i < nodes; i++) {
      float[] delta = new float[elements];
      for (int k = 0; k < elements; k++) {
        delta[k] = (float) random.nextDouble(-0.1, 0.1);
      }
      updates.put("node" + i, new NodeUpdate(delta, 1 + random.nextInt(1000)));
    }
    return updates;
  }
}
