package io.cohort.edge.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.proto.v1.Task;
import org.junit.jupiter.api.Test;

class AttackingWorkTest {

  final LocalWork honest = new ConstantUpdateWork(3, 0.5f, 10, 0);

  float[] attacked(AttackingWork.Attack attack, double factor, int round) {
    return new AttackingWork(honest, attack, factor).train(null,
        Task.newBuilder().setRound(round).build(), new float[3],
        io.cohort.edge.training.ProgressListener.NONE, () -> false).delta();
  }

  @Test
  void scaleMultipliesTheHonestUpdate() {
    assertThat(attacked(AttackingWork.Attack.SCALE, 10, 1)).containsExactly(5f, 5f, 5f);
  }

  @Test
  void signFlipReversesAndScalesTheHonestUpdate() {
    assertThat(attacked(AttackingWork.Attack.SIGN_FLIP, 4, 1)).containsExactly(-2f, -2f, -2f);
  }

  @Test
  void randomReplacesTheUpdateWithSeededNoise() {
    float[] a = attacked(AttackingWork.Attack.RANDOM, 1, 1);
    assertThat(a).isNotEqualTo(new float[] {0.5f, 0.5f, 0.5f});
    assertThat(attacked(AttackingWork.Attack.RANDOM, 1, 1)).containsExactly(a);
    assertThat(attacked(AttackingWork.Attack.RANDOM, 1, 2)).isNotEqualTo(a);
  }

  @Test
  void namesParseAsTheCliWritesThem() {
    assertThat(AttackingWork.Attack.parse("sign-flip")).isEqualTo(AttackingWork.Attack.SIGN_FLIP);
    assertThatThrownBy(() -> AttackingWork.Attack.parse("nice"))
        .hasMessageContaining("use scale, sign-flip or random");
    assertThatThrownBy(() -> new AttackingWork(honest, AttackingWork.Attack.SCALE, 0))
        .hasMessageContaining("attack factor must be positive");
  }
}
