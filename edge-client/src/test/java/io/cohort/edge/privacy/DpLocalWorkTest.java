package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.edge.data.TabularData;
import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.edge.training.ProgressListener;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TaskKind;
import io.cohort.proto.v1.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpLocalWorkTest {

  private static final DjlRuntime RUNTIME = DjlRuntime.start(DjlRuntime.Settings.defaults());
  private static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(10).setNumClasses(2).build();
  private static final TabularData TRAIN = DpBenchCommand.synthetic(MODEL, 400, 1);
  private static final TabularData EVAL = DpBenchCommand.synthetic(MODEL, 100, 2);

  @TempDir
  Path dir;
  private DpLocalWork work;

  @AfterEach
  void close() {
    if (work != null) {
      work.close();
    }
  }

  private DpLocalWork work(double budget) {
    PrivacyBudget privacy = new PrivacyBudget(DpSettings.withNoiseMultiplier(1.0, 1.0, null, 16,
        budget), new PrivacyLedger(dir.resolve("ledger.jsonl")), TRAIN.rows());
    work = new DpLocalWork(RUNTIME, TRAIN, EVAL, "node-a", privacy);
    return work;
  }

  private static Task task(int round) {
    return Task.newBuilder().setTaskId("task-" + round).setKind(TaskKind.TRAIN).setRound(round)
        .setTrain(TrainConfig.newBuilder().setLocalEpochs(1).setBatchSize(16)
            .setOptimizer("sgd").setLearningRate(0.1)).build();
  }

  @Test
  void aTrainedRoundIsInTheLedgerBeforeItsOutcomeReportsTheEpsilonSpent() {
    DpLocalWork node = work(10);
    float[] global = new ModelArchitecture(MODEL).initialize(1);

    TrainOutcome first = node.train(MODEL, task(1), global, ProgressListener.NONE, () -> false);
    TrainOutcome second = node.train(MODEL, task(2), global, ProgressListener.NONE, () -> false);

    assertThat(node.budget().ledger().read()).extracting(LedgerEntry::taskId, LedgerEntry::epsilon)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("task-1", first.epsilonSpent()),
            org.assertj.core.groups.Tuple.tuple("task-2", second.epsilonSpent()));
    assertThat(second.epsilonSpent()).isGreaterThan(first.epsilonSpent()).isPositive();
    assertThat(first.samples()).isEqualTo(400);
    assertThat(first.delta()).hasSize(22);
    assertThat(first.trainMetrics().getLoss()).as("kept on the node").isNaN();
    assertThat(node.precheck(task(3))).isEmpty();
  }

  @Test
  void overBudgetTheTaskIsDeclinedAndNothingIsTrainedNorRecorded() {
    DpLocalWork node = work(0.05);

    assertThat(node.precheck(task(1))).get().extracting(LocalWork.Decline::code)
        .isEqualTo("BUDGET_EXHAUSTED");
    assertThatThrownBy(() -> node.train(MODEL, task(1), new ModelArchitecture(MODEL)
        .initialize(1), ProgressListener.NONE, () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("BUDGET_EXHAUSTED: this round");
    assertThat(node.budget().ledger().read()).isEmpty();
  }

  @Test
  void aLedgerCorruptedWhileRunningMakesTheNodeDeclineAndRefuseToTrain() throws IOException {
    DpLocalWork node = work(10);
    node.train(MODEL, task(1), new ModelArchitecture(MODEL).initialize(1), ProgressListener.NONE,
        () -> false);
    Path file = dir.resolve("ledger.jsonl");
    Files.writeString(file, Files.readString(file).replace("task-1", "task-7"));

    assertThat(node.precheck(task(2))).get().extracting(LocalWork.Decline::code)
        .isEqualTo("PRIVACY_LEDGER_CORRUPTED");
    assertThatThrownBy(() -> node.train(MODEL, task(2), new ModelArchitecture(MODEL)
        .initialize(1), ProgressListener.NONE, () -> false))
        .hasMessageStartingWith("PRIVACY_LEDGER_CORRUPTED: the privacy ledger");
  }
}
