package io.cohort.coordinator.round;

import io.cohort.coordinator.aggregation.CentralDp;
import io.cohort.coordinator.aggregation.Strategy;
import io.cohort.coordinator.metrics.CoordinatorMetrics;
import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.coordinator.session.NodeSession;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.Cancel;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelVersion;
import io.cohort.proto.v1.NodeStatus;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.cohort.proto.v1.ServerMessage;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TaskKind;
import io.cohort.proto.v1.TrainConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one federation, round after round: select nodes, send training tasks, collect updates
 * until every selected node answered or the deadline passed, aggregate, publish a version,
 * evaluate it on every connected node, journal the round. A round that misses its quorum is
 * journaled as failed and retried up to the spec's limit; then the federation fails. Runs on its
 * own thread; the only blocking waits are bounded by deadlines.
 */
public final class RoundEngine implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(RoundEngine.class);

  private final RoundHost federation;
  private final TaskBoard board;
  private final RoundAssessment assessment = new RoundAssessment();
  private final CoordinatorMetrics metrics;
  private volatile RoundTasks currentPhase;

  /** What the engine needs of its federation (implemented by federation.Federation's package). */
  public interface RoundHost {
    String id();

    FederationSpec spec();

    Strategy strategy();

    ParameterLayout fullLayout();

    ParameterLayout trainableLayout();

    io.cohort.coordinator.session.NodeDirectory nodes();

    ModelRegistry registry();

    String currentVersion();

    float[] currentParameters();

    int completedRounds();

    int failedAttemptsOfNextRound();

    /** The operator's validation set, or null. */
    io.cohort.model.inference.ValidationSet validation();

    /** Rounds finished so far (journaled). */
    List<RoundSummary> rounds();

    /** Blocks until RUNNING; false once terminal. */
    boolean awaitRunning() throws InterruptedException;

    boolean isRunning();

    boolean isTerminal();

    void roundStarted(int round, int attempt, List<String> selected);

    void roundFinished(RoundSummary summary, float[] newParameters);

    /**
     * As above, journaled once {@code durable} (the writing of the round's model version)
     * completes; the federation's state moves on at once.
     */
    default void roundFinished(RoundSummary summary, float[] newParameters,
        java.util.concurrent.CompletableFuture<Void> durable) {
      durable.join();
      roundFinished(summary, newParameters);
    }

    void complete();

    void fail(String reason);
  }

  public RoundEngine(RoundHost federation, TaskBoard board) {
    this(federation, board, CoordinatorMetrics.disabled());
  }

  public RoundEngine(RoundHost federation, TaskBoard board, CoordinatorMetrics metrics) {
    this.federation = federation;
    this.board = board;
    this.metrics = metrics;
  }

  @Override
  public void run() {
    String id = federation.id();
    try {
      while (federation.awaitRunning()) {
        FederationSpec spec = federation.spec();
        if (federation.completedRounds() >= spec.getRounds()) {
          federation.complete();
          return;
        }
        int round = federation.completedRounds() + 1;
        int attempt = federation.failedAttemptsOfNextRound() + 1;
        if (attempt > spec.getMaxRoundRetries() + 1) {
          federation.fail("round " + round + " failed " + (attempt - 1)
              + " times (max_round_retries=" + spec.getMaxRoundRetries() + ")");
          return;
        }
        runRound(round, attempt);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // An Error (OutOfMemoryError above all) must not kill this thread silently: the federation
      // would stay RUNNING forever with nobody driving it. Fail it, journaled, with the cause.
      log.error("federation={} round engine crashed", id, e);
      try {
        federation.fail("round engine error: " + e);
      } catch (RuntimeException ignored) {
        // already terminal
      }
    } finally {
      closeCurrentPhase();
    }
  }

  /** Cuts off the phase in progress (stop or shutdown). */
  public void closeCurrentPhase() {
    RoundTasks phase = currentPhase;
    if (phase != null) {
      cancel(phase.close(), "federation stopped");
    }
  }

  private void runRound(int round, int attempt) throws InterruptedException {
    FederationSpec spec = federation.spec();
    long started = System.currentTimeMillis();
    board.forgetBefore(federation.id(), round - 1);
    RoundSummary.Builder summary = RoundSummary.newBuilder().setRound(round).setAttempt(attempt);

    boolean enough = federation.nodes().awaitAvailable(spec.getMinNodes(),
        started + spec.getSelectionTimeoutMs());
    if (!federation.isRunning()) {
      return;
    }
    if (!enough) {
      log.warn("federation={} round={} attempt={} not enough nodes: {} available, min_nodes={}",
          federation.id(), round, attempt, federation.nodes().available().size(),
          spec.getMinNodes());
      federation.roundFinished(summary.setOutcome(RoundOutcome.NOT_ENOUGH_NODES)
          .setDurationMs(System.currentTimeMillis() - started).build(), null);
      return;
    }
    int available = federation.nodes().available().size();
    List<NodeSession> selected = select(round, attempt);
    if (federation.strategy() instanceof CentralDp dp) {
      dp.roundSampling(selected.size(), Math.max(available, selected.size()));
    }
    List<String> selectedIds = selected.stream().map(NodeSession::nodeId).toList();
    federation.roundStarted(round, attempt, selectedIds);
    log.info("federation={} round={} attempt={} selected={}", federation.id(), round, attempt,
        selectedIds);

    // Training phase.
    String base = federation.currentVersion();
    TrainConfig config = federation.strategy().configureRound(round, spec.getTrain().toBuilder()
        .setSeed(spec.getSeed() * 1_000_003L + round).build());
    RoundTasks train = new RoundTasks(federation.id(), round, TaskKind.TRAIN, base,
        System.currentTimeMillis() + spec.getRoundTimeoutMs(),
        federation.strategy().newAccumulator(federation.trainableLayout().totalElements()),
        !spec.getContributionScorer().isEmpty());
    dispatch(train, selected, config);
    List<TaskRecord> cut = train.awaitAndClose();
    currentPhase = null;
    cancel(cut, "deadline passed");
    for (TaskRecord t : cut) {
      federation.nodes().get(t.nodeId()).ifPresent(n -> n.setStatus(NodeStatus.STRAGGLING));
    }
    for (TaskRecord t : train.all()) {
      if (!cut.contains(t)) { // done, declined or failed: nobody trains once the phase is over
        federation.nodes().get(t.nodeId())
            .ifPresent(n -> n.setStatusIf(NodeStatus.TRAINING, NodeStatus.CONNECTED));
      }
    }
    if (federation.isTerminal()) {
      return; // stopped mid-round: the round never happened
    }
    List<TaskRecord> done = train.withState(TaskRecord.State.DONE);
    List<String> participants = done.stream().map(TaskRecord::nodeId).sorted().toList();
    List<String> dropped = new ArrayList<>(selectedIds);
    dropped.removeAll(participants);
    summary.addAllParticipants(participants).addAllDropped(dropped);
    if (done.size() < spec.getQuorum()) {
      log.warn("federation={} round={} attempt={} quorum missed: {} of quorum {} (dropped {})",
          federation.id(), round, attempt, done.size(), spec.getQuorum(), dropped);
      federation.roundFinished(summary.setOutcome(RoundOutcome.QUORUM_MISSED)
          .setDurationMs(System.currentTimeMillis() - started).build(), null);
      return;
    }
    summary.setTrainLoss(weightedTrainLoss(done));
    for (TaskRecord t : done) {
      summary.putSamples(t.nodeId(), t.sampleCount);
      if (t.epsilonSpent > 0) {
        summary.putEpsilon(t.nodeId(), t.epsilonSpent);
      }
    }

    // Aggregate, score contributions and quality on the validation set, publish.
    float[] baseParameters = federation.currentParameters();
    long aggregationStarted = System.nanoTime(); // metrics
    float[] next = aggregate(train);
    metrics.aggregated(federation.id(), System.nanoTime() - aggregationStarted); // metrics
    RobustVerdicts.record(federation, round, train.accumulator().flagged(), summary);
    assessment.assess(federation, baseParameters, next, train.retainedUpdates(), summary);
    if (federation.strategy() instanceof CentralDp dp) {
      summary.setCentralEpsilon(dp.status().epsilon())
          .setCentralEpsilonWithoutSampling(dp.status().epsilonWithoutSampling());
    }
    // Staged: clients can download it at once; its files are written while the next phase runs.
    ModelRegistry.Staged staged = federation.registry().stage(next, new ModelRegistry.Lineage(
        federation.id(), round, List.of(base), participants, spec.getStrategy(),
        spec.getStrategyParamsMap(), spec.getModel(), config),
        federation.strategy().saveState());
    ModelVersion version = staged.version();
    for (TaskRecord t : done) {
      federation.nodes().get(t.nodeId()).ifPresent(n -> n.contributed(t.epsilonSpent));
    }

    if (spec.getSkipEvaluation()) {
      federation.roundFinished(summary.setOutcome(RoundOutcome.SUCCEEDED)
          .setModelVersion(version.getVersion())
          .setDurationMs(System.currentTimeMillis() - started).build(), next, staged.durable());
      return;
    }
    // Evaluation phase: every connected node evaluates the new version on its held-out split.
    RoundTasks eval = new RoundTasks(federation.id(), round, TaskKind.EVALUATE,
        version.getVersion(), System.currentTimeMillis() + spec.getEvalTimeoutMs(), null, false);
    dispatch(eval, federation.nodes().connected(), null);
    cancel(eval.awaitAndClose(), "evaluation deadline passed");
    currentPhase = null;
    Map<String, Metrics> sites = new LinkedHashMap<>();
    List<EvaluationResult> results = new ArrayList<>();
    for (TaskRecord t : eval.withState(TaskRecord.State.DONE)) {
      sites.put(t.nodeId(), t.evaluation.getMetrics());
      results.add(t.evaluation);
    }
    Metrics global = UnionMetrics.of(results);
    federation.registry().recordMetrics(federation.id(), version.getVersion(), global);
    summary.setOutcome(RoundOutcome.SUCCEEDED).setModelVersion(version.getVersion())
        .setGlobal(global).putAllSites(sites)
        .setDurationMs(System.currentTimeMillis() - started);
    federation.roundFinished(summary.build(), next, staged.durable());
  }

  private List<NodeSession> select(int round, int attempt) {
    FederationSpec spec = federation.spec();
    List<NodeSession> available = new ArrayList<>(federation.nodes().available());
    int k = Math.max(spec.getMinNodes(),
        (int) Math.ceil(spec.getFractionFit() * available.size()));
    Collections.shuffle(available, new Random(spec.getSeed() * 31 + round * 7919L + attempt));
    return List.copyOf(available.subList(0, Math.min(k, available.size())));
  }

  private void dispatch(RoundTasks phase, List<NodeSession> nodes, TrainConfig config) {
    currentPhase = phase;
    FederationSpec spec = federation.spec();
    for (NodeSession node : nodes) {
      TaskRecord t = phase.add(node.nodeId());
      board.register(phase, t);
      Task.Builder task = Task.newBuilder().setTaskId(t.taskId()).setKind(phase.kind())
          .setRound(phase.round()).setModelVersion(phase.modelVersion())
          .setDeadlineMs(phase.deadlineMs()).setUpdateEncoding(spec.getUpdateEncoding())
          .setMaxUpdateNorm(spec.getMaxUpdateNorm());
      if (config != null) {
        task.setTrain(config);
      }
      if (node.send(ServerMessage.newBuilder().setTask(task).build())) {
        if (phase.kind() == TaskKind.TRAIN // never over a status the node's answer just set
            && !node.setStatusIf(NodeStatus.CONNECTED, NodeStatus.TRAINING)) {
          node.setStatusIf(NodeStatus.STRAGGLING, NodeStatus.TRAINING);
        }
        log.info("federation={} round={} node={} task={} kind={} sent", federation.id(),
            phase.round(), node.nodeId(), t.taskId(), phase.kind());
      } else {
        phase.resolveUnsuccessfully(t, TaskRecord.State.FAILED, "", "node disconnected");
      }
    }
  }

  private float[] aggregate(RoundTasks train) {
    ParameterLayout full = federation.fullLayout();
    ParameterLayout trainable = federation.trainableLayout();
    float[] current = federation.currentParameters();
    if (trainable.equals(full)) {
      // Nothing frozen: no model-sized copies in and out (strategies never modify current).
      return federation.strategy().finishRound(current, train.accumulator());
    }
    float[] currentTrainable = trainable.extractFrom(full, current);
    float[] nextTrainable = federation.strategy().finishRound(currentTrainable,
        train.accumulator());
    float[] next = current.clone();
    int pos = 0;
    for (var t : trainable.tensors()) {
      int n = (int) t.elements();
      System.arraycopy(nextTrainable, pos, next, full.offsetOf(t.name()), n);
      pos += n;
    }
    return next;
  }

  private void cancel(List<TaskRecord> tasks, String reason) {
    for (TaskRecord t : tasks) {
      federation.nodes().get(t.nodeId()).ifPresent(n -> n.send(ServerMessage.newBuilder()
          .setCancel(Cancel.newBuilder().setTaskId(t.taskId()).setReason(reason)).build()));
      log.info("federation={} round={} node={} task={} cut off: {}", federation.id(), t.round(),
          t.nodeId(), t.taskId(), reason);
    }
  }

  private static double weightedTrainLoss(List<TaskRecord> done) {
    double sum = 0;
    long n = 0;
    for (TaskRecord t : done) {
      if (t.trainMetrics != null && Double.isFinite(t.trainMetrics.getLoss())) {
        sum += t.trainMetrics.getLoss() * t.sampleCount;
        n += t.sampleCount;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The phase in progress, if any (for the session handler to fail a disconnected node's tasks). */
  public RoundTasks currentPhase() {
    return currentPhase;
  }

  /** Fails the open tasks of a node whose session closed, so the round need not wait for them. */
  public void nodeDisconnected(String nodeId) {
    RoundTasks phase = currentPhase;
    if (phase != null) {
      for (TaskRecord t : phase.all()) {
        if (t.nodeId().equals(nodeId)) {
          phase.resolveUnsuccessfully(t, TaskRecord.State.FAILED, "", "session closed");
        }
      }
    }
  }
}
