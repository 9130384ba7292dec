package io.cohort.edge.privacy;

import ai.djl.ndarray.NDManager;
import io.cohort.edge.data.TabularData;
import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.edge.training.DpSgdTrainer;
import io.cohort.edge.training.Evaluator;
import io.cohort.edge.training.ProgressListener;
import io.cohort.edge.training.TrainingResult;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Task;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node that trains with DP-SGD under a privacy budget: declines a training task that would take
 * it past its budget ({@code BUDGET_EXHAUSTED}, with the numbers), trains with
 * {@link DpSgdTrainer}, writes the round to its privacy ledger (fsynced) before the update may
 * leave, and reports the epsilon spent after the round in {@link TrainOutcome#epsilonSpent}.
 * Evaluates on its held-out split like a plain node.
 *
 * <p>The training loss and accuracy are computed on private records without noise, so they stay
 * on the node (logged here) and the outcome reports them as NaN; the sample count (the dataset
 * size the node announces anyway) is reported as usual.
 */
public final class DpLocalWork implements LocalWork, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DpLocalWork.class);

  private final TabularData train;
  private final TabularData eval;
  private final String nodeId;
  private final PrivacyBudget budget;
  private final NDManager manager;
  private final Object training = new Object(); // one round at a time: plan, train, record

  /**
   * @throws IllegalArgumentException if the settings do not fit the training split
   */
  public DpLocalWork(DjlRuntime runtime, TabularData train, TabularData eval, String nodeId,
      PrivacyBudget budget) {
    this.train = train;
    this.eval = eval;
    this.nodeId = nodeId;
    this.budget = budget;
    this.manager = runtime.newManager();
  }

  public PrivacyBudget budget() {
    return budget;
  }

  @Override
  public Optional<Decline> precheck(Task task) {
    return budget.decline(task.getTrain());
  }

  /**
   * @throws IllegalStateException if the round would exceed the budget (checked again here: a
   *     task may have been accepted before another one spent the budget) or the ledger is corrupted
   * @throws IllegalArgumentException if the model has a layer DP-SGD cannot handle; nothing is
   *     trained
   */
  @Override
  public TrainOutcome train(ModelSpec model, Task task, float[] global,
      ProgressListener progress, BooleanSupplier cancelled) {
    // not under the budget's lock: prechecks of other tasks must not wait for a whole round
    synchronized (training) {
      Optional<Decline> decline = budget.decline(task.getTrain());
      if (decline.isPresent()) {
        throw new IllegalStateException(decline.get().code() + ": " + decline.get().message());
      }
      PrivacyBudget.RoundPlan plan = budget.plan(task.getTrain());
      DpSgdTrainer trainer = new DpSgdTrainer(new ModelArchitecture(model), manager,
          plan.mechanism(budget.settings().clipNorm()));
      TrainingResult r = trainer.train(global, task.getTrain(), train, progress);
      double epsilon = budget.record(task.getRound(), task.getTaskId(), plan);
      log.info(String.format(Locale.ROOT, "node=%s round=%d task=%s DP-SGD q=%.4g sigma=%.4g"
              + " steps=%d epsilon=%.4f delta=%.3g (budget %.4f); local loss %.4f accuracy %.3f"
              + " (kept on this node)", nodeId, task.getRound(), task.getTaskId(), plan.q(),
          plan.sigma(), plan.steps(), epsilon, plan.delta(), budget.settings().epsilonBudget(),
          r.metrics().getLoss(), r.metrics().getAccuracy()));
      Metrics shared = Metrics.newBuilder().setLoss(Double.NaN).setAccuracy(Double.NaN)
          .setAuc(Double.NaN).setExamples(r.sampleCount()).build();
      return new TrainOutcome(r.delta(), r.sampleCount(), shared, epsilon);
    }
  }

  @Override
  public EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters) {
    return new Evaluator(new ModelArchitecture(model), manager).evaluate(parameters, eval);
  }

  @Override
  public void close() {
    manager.close();
  }
}
