package io.cohort.coordinator.round;

import io.cohort.coordinator.aggregation.UpdateAccumulator;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.TaskKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tasks of one phase (training or evaluation) of one round attempt. All state changes happen
 * under one lock, so a result that arrives as the deadline passes is either counted or refused,
 * never half-applied.
 */
public final class RoundTasks {

  private final String federationId;
  private final int round;
  private final TaskKind kind;
  private final String modelVersion;
  private final long deadlineMs;
  private final UpdateAccumulator accumulator;
  private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition resolved = lock.newCondition();
  private boolean closed;
  /** Per-node copies of accepted updates, kept only when contributions are scored. */
  private final Map<String, io.cohort.coordinator.contribution.NodeUpdate> retained;

  RoundTasks(String federationId, int round, TaskKind kind, String modelVersion, long deadlineMs,
      UpdateAccumulator accumulator, boolean retainUpdates) {
    this.retained = retainUpdates ? new LinkedHashMap<>() : null;
    this.federationId = federationId;
    this.round = round;
    this.kind = kind;
    this.modelVersion = modelVersion;
    this.deadlineMs = deadlineMs;
    this.accumulator = accumulator;
  }

  TaskRecord add(String nodeId) {
    lock.lock();
    try {
      TaskRecord t = new TaskRecord(UUID.randomUUID().toString(), federationId, nodeId, kind,
          round, modelVersion, deadlineMs);
      tasks.put(t.taskId(), t);
      return t;
    } finally {
      lock.unlock();
    }
  }

  public int round() {
    return round;
  }

  public TaskKind kind() {
    return kind;
  }

  public String modelVersion() {
    return modelVersion;
  }

  public long deadlineMs() {
    return deadlineMs;
  }

  Collection<TaskRecord> all() {
    lock.lock();
    try {
      return new ArrayList<>(tasks.values());
    } finally {
      lock.unlock();
    }
  }

  /** The outcome of trying to apply a result to a task. */
  public enum Outcome { APPLIED, DUPLICATE, REFUSED }

  /** Result of {@link #acceptUpdate}. */
  public record UpdateDecision(Outcome outcome, String reason, double norm) {}

  /**
   * Folds a complete, verified update into the round, exactly once per task.
   *
   * @param checksum hex checksum of the update payload (an identical retry is a duplicate)
   */
  public UpdateDecision acceptUpdate(TaskRecord task, float[] delta, long sampleCount,
      String checksum, double norm, Metrics trainMetrics, double epsilon) {
    lock.lock();
    try {
      if (task.state == TaskRecord.State.DONE) {
        if (checksum.equals(task.acceptedChecksum)) {
          return new UpdateDecision(Outcome.DUPLICATE, "", task.acceptedNorm);
        }
        return new UpdateDecision(Outcome.REFUSED, "task " + task.taskId()
            + " already has an accepted update with a different checksum", 0);
      }
      String refusal = refusal(task);
      if (refusal != null) {
        return new UpdateDecision(Outcome.REFUSED, refusal, 0);
      }
      accumulator.add(task.nodeId(), delta, sampleCount);
      if (retained != null) {
        // The delta array is a reused staging buffer: keep a copy for scoring.
        retained.put(task.nodeId(), new io.cohort.coordinator.contribution.NodeUpdate(
            delta.clone(), sampleCount));
      }
      task.state = TaskRecord.State.DONE;
      task.acceptedChecksum = checksum;
      task.acceptedNorm = norm;
      task.sampleCount = sampleCount;
      task.trainMetrics = trainMetrics;
      task.epsilonSpent = epsilon;
      resolved.signalAll();
      return new UpdateDecision(Outcome.APPLIED, "", norm);
    } finally {
      lock.unlock();
    }
  }

  /** Why a result for this task cannot be accepted now, or null if it can. */
  public String refusal(TaskRecord task) {
    lock.lock();
    try {
      if (closed || task.state == TaskRecord.State.CUT_OFF) {
        return "task " + task.taskId() + " of round " + round
            + " is closed: its deadline passed or the round ended";
      }
      if (task.state != TaskRecord.State.OPEN) {
        return "task " + task.taskId() + " is " + task.state.name().toLowerCase()
            + (task.failure.isEmpty() ? "" : " (" + task.failure + ")");
      }
      if (System.currentTimeMillis() > deadlineMs) {
        return "task " + task.taskId() + " expired: its deadline passed";
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Whether an update was already accepted for this task (a re-send may be a retry). */
  public boolean hasAcceptedUpdate(TaskRecord task) {
    lock.lock();
    try {
      return task.state == TaskRecord.State.DONE && task.acceptedChecksum != null;
    } finally {
      lock.unlock();
    }
  }

  public Outcome acceptEvaluation(TaskRecord task, EvaluationResult result) {
    lock.lock();
    try {
      if (refusal(task) != null) {
        return Outcome.REFUSED;
      }
      task.evaluation = result;
      task.state = TaskRecord.State.DONE;
      resolved.signalAll();
      return Outcome.APPLIED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks an open task declined or failed (node said no, its session dropped, its result was
   * refused); false if the task was no longer open or its phase had closed.
   */
  public boolean resolveUnsuccessfully(TaskRecord task, TaskRecord.State state, String code,
      String why) {
    lock.lock();
    try {
      if (task.state == TaskRecord.State.OPEN && !closed) {
        task.state = state;
        task.declineCode = code;
        task.failure = why;
        resolved.signalAll();
        return true;
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every task is resolved or the deadline passes, then closes the phase: open tasks
   * are cut off, and nothing more is accepted. Returns the cut-off tasks.
   */
  List<TaskRecord> awaitAndClose() throws InterruptedException {
    lock.lock();
    try {
      while (hasOpenTasks()) {
        long left = deadlineMs - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        resolved.await(left, TimeUnit.MILLISECONDS);
      }
      return close();
    } finally {
      lock.unlock();
    }
  }

  /** Closes immediately (stop, shutdown). Returns the cut-off tasks. */
  List<TaskRecord> close() {
    lock.lock();
    try {
      closed = true;
      List<TaskRecord> cut = new ArrayList<>();
      for (TaskRecord t : tasks.values()) {
        if (t.state == TaskRecord.State.OPEN) {
          t.state = TaskRecord.State.CUT_OFF;
          cut.add(t);
        }
      }
      resolved.signalAll();
      return cut;
    } finally {
      lock.unlock();
    }
  }

  private boolean hasOpenTasks() {
    for (TaskRecord t : tasks.values()) {
      if (t.state == TaskRecord.State.OPEN) {
        return true;
      }
    }
    return false;
  }

  List<TaskRecord> withState(TaskRecord.State state) {
    lock.lock();
    try {
      return tasks.values().stream().filter(t -> t.state == state).toList();
    } finally {
      lock.unlock();
    }
  }

  /** The retained per-node updates (empty unless retention was asked for). */
  Map<String, io.cohort.coordinator.contribution.NodeUpdate> retainedUpdates() {
    lock.lock();
    try {
      return retained == null ? Map.of() : new LinkedHashMap<>(retained);
    } finally {
      lock.unlock();
    }
  }

  UpdateAccumulator accumulator() {
    return accumulator;
  }

  /** A consistent view of this phase for dashboards: the state of each node's task. */
  public record Progress(TaskKind kind, int round, long deadlineMs,
      Map<String, TaskRecord.State> nodes) {}

  public Progress progress() {
    lock.lock();
    try {
      Map<String, TaskRecord.State> byNode = new LinkedHashMap<>();
      for (TaskRecord t : tasks.values()) {
        byNode.put(t.nodeId(), t.state);
      }
      return new Progress(kind, round, deadlineMs, byNode);
    } finally {
      lock.unlock();
    }
  }
}
