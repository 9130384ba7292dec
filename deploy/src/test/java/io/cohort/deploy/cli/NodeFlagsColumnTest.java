package io.cohort.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.proto.v1.Node;
import org.junit.jupiter.api.Test;

class NodeFlagsColumnTest {

  @Test
  void cleanNodeShowsADash() {
    assertThat(NodesCommand.flags(Node.newBuilder().setNodeId("va").build())).isEqualTo("-");
  }

  @Test
  void suspectNodeShowsTheMarkAndBothCounts() {
    assertThat(NodesCommand.flags(Node.newBuilder().setNodeId("attacker-1").setFlaggedUpdates(2)
        .setRejectedUploads(1).setSuspect(true).build()))
        .isEqualTo("SUSPECT 2 flagged/1 refused");
  }
}
