package io.cohort.edge.privacy;

import io.cohort.model.privacy.PrivacyAccountant;
import io.cohort.model.privacy.RdpConversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cohort.edge.task.LocalWork;
import io.cohort.proto.v1.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacyBudgetTest {

  private static final int RECORDS = 1000;
  private static final TrainConfig ONE_EPOCH_BATCH_20 = TrainConfig.newBuilder()
      .setLocalEpochs(1).setBatchSize(20).setOptimizer("sgd").setLearningRate(0.1).build();

  @TempDir
  Path dir;

  private PrivacyBudget budget(DpSettings settings) {
    return new PrivacyBudget(settings, new PrivacyLedger(dir.resolve("ledger.jsonl")), RECORDS);
  }

  @Test
  void aRoundIsLocalEpochsTimesCeilOfNOverBStepsAtQEqualsBOverN() {
    PrivacyBudget budget = budget(DpSettings.withNoiseMultiplier(1.1, 1.0, null, 0, 10));

    PrivacyBudget.RoundPlan plan = budget.plan(ONE_EPOCH_BATCH_20.toBuilder()
        .setLocalEpochs(3).setBatchSize(30).build());

    assertThat(plan.expectedBatch()).isEqualTo(30);
    assertThat(plan.q()).isEqualTo(0.03);
    assertThat(plan.steps()).isEqualTo(3 * 34); // ceil(1000 / 30) = 34
    assertThat(plan.delta()).isEqualTo(1e-5);
    assertThat(plan.epsilonBefore()).isZero();
    assertThat(plan.epsilonAfter()).isEqualTo(PrivacyAccountant.epsilon(0.03, 1.1, 102, 1e-5,
        RdpConversion.BALLE).epsilon());
  }

  @Test
  void epsilonAccumulatesOverRoundsAndSurvivesARestart() {
    DpSettings settings = DpSettings.withNoiseMultiplier(1.1, 1.0, null, 20, 10);
    PrivacyBudget budget = budget(settings);

    double first = budget.record(1, "t1", budget.plan(ONE_EPOCH_BATCH_20));
    double second = budget.record(2, "t2", budget.plan(ONE_EPOCH_BATCH_20));
    PrivacyBudget restarted = budget(settings);

    assertThat(second).isGreaterThan(first);
    assertThat(second).isCloseTo(PrivacyAccountant.epsilon(0.02, 1.1, 100, 1e-5,
        RdpConversion.BALLE).epsilon(), within(1e-12));
    assertThat(restarted.epsilonSpent()).isEqualTo(second);
    assertThat(restarted.ledger().read()).extracting(LedgerEntry::epsilon)
        .containsExactly(first, second);
  }

  @Test
  void aRoundThatWouldGoPastTheBudgetIsDeclinedWithTheNumbers() {
    PrivacyBudget budget = budget(DpSettings.withNoiseMultiplier(1.1, 1.0, null, 20, 4.0));
    int rounds = 0;
    while (budget.decline(ONE_EPOCH_BATCH_20).isEmpty()) {
      budget.record(++rounds, "t" + rounds, budget.plan(ONE_EPOCH_BATCH_20));
    }

    Optional<LocalWork.Decline> decline = budget.decline(ONE_EPOCH_BATCH_20);

    assertThat(rounds).isPositive();
    assertThat(budget.epsilonSpent()).isLessThanOrEqualTo(4.0);
    assertThat(decline).get().extracting(LocalWork.Decline::code).isEqualTo("BUDGET_EXHAUSTED");
    assertThat(decline.get().message()).matches("this round \\(q=0\\.02, sigma=1\\.1, 50 steps\\)"
        + " would take epsilon from [34]\\.\\d{4} to 4\\.\\d{4} at delta=0\\.00001, over the"
        + " budget of 4");
  }

  @Test
  void aTargetEpsilonSolvesSigmaSoThePlannedRoundsEndAtTheTarget() {
    PrivacyBudget budget = budget(DpSettings.withTargetEpsilon(2.0, 5, 1.0, null, 20, 2.0));
    for (int round = 1; round <= 5; round++) {
      assertThat(budget.decline(ONE_EPOCH_BATCH_20)).as("round %d", round).isEmpty();
      budget.record(round, "t" + round, budget.plan(ONE_EPOCH_BATCH_20));
    }

    assertThat(budget.epsilonSpent()).isCloseTo(2.0, within(1e-6)).isLessThanOrEqualTo(2.0);
    assertThat(budget.decline(ONE_EPOCH_BATCH_20)).get()
        .extracting(LocalWork.Decline::code).isEqualTo("BUDGET_EXHAUSTED");
  }

  @Test
  void aCorruptedLedgerIsRefusedAtStartAndDeclinesTasksWhileItLasts() throws IOException {
    DpSettings settings = DpSettings.withNoiseMultiplier(1.1, 1.0, null, 20, 10);
    PrivacyBudget budget = budget(settings);
    budget.record(1, "t1", budget.plan(ONE_EPOCH_BATCH_20));
    Path file = dir.resolve("ledger.jsonl");
    Files.writeString(file, Files.readString(file).replace("\"steps\":50", "\"steps\":5"));

    assertThat(budget.decline(ONE_EPOCH_BATCH_20)).get()
        .extracting(LocalWork.Decline::code).isEqualTo("PRIVACY_LEDGER_CORRUPTED");
    assertThatThrownBy(() -> budget(settings))
        .isInstanceOf(PrivacyLedger.CorruptedException.class)
        .hasMessageContaining("checksum mismatch");
    assertThatThrownBy(() -> budget.record(2, "t2", budget.plan(ONE_EPOCH_BATCH_20)))
        .isInstanceOf(PrivacyLedger.CorruptedException.class);
  }

  @Test
  void settingsThatDoNotFitTheDatasetAreRefusedAtStart() {
    assertThatThrownBy(() -> budget(DpSettings.withNoiseMultiplier(1.1, 1.0, null, 5000, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be in (0, 1]");
  }
}
