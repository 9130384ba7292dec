package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.proto.v1.TrainConfig;
import org.junit.jupiter.api.Test;

class FedProxTest {

  @Test
  void roundConfigurationCarriesProximalMuAndKeepsEverythingElse() {
    TrainConfig base = TrainConfig.newBuilder().setLocalEpochs(2).setBatchSize(32)
        .setOptimizer("sgd").setLearningRate(0.05).setSeed(7).build();

    TrainConfig configured = new FedProx(0.1).configureRound(3, base);

    assertThat(configured).isEqualTo(base.toBuilder().setProximalMu(0.1).build());
  }

  @Test
  void aggregatesExactlyLikeFedAvg() {
    assertThat(TwoRounds.bothRounds(new FedProx(0.5)))
        .containsExactly(TwoRounds.bothRounds(new FedAvg()));
  }

  @Test
  void negativeMuIsRejected() {
    assertThatThrownBy(() -> new FedProx(-0.01))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("proximal_mu must be in [0, inf)");
  }

  @Test
  void nameIsFedprox() {
    assertThat(new FedProx(0.01).name()).isEqualTo("fedprox");
  }
}
