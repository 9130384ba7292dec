package io.cohort.coordinator.round;

import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.TaskKind;

/** One task sent to one node, and what became of it. Guarded by its round's lock. */
public final class TaskRecord {

  /** Where a task stands. Only OPEN tasks accept results. */
  public enum State { OPEN, DONE, DECLINED, FAILED, CUT_OFF }

  private final String taskId;
  private final String federationId;
  private final String nodeId;
  private final TaskKind kind;
  private final int round;
  private final String modelVersion;
  private final long deadlineMs;
  State state = State.OPEN;
  String declineCode = "";
  String failure = "";
  /** For TRAIN: checksum of the accepted update, to recognise an idempotent retry. */
  String acceptedChecksum;
  double acceptedNorm;
  long sampleCount;
  Metrics trainMetrics;
  double epsilonSpent;
  EvaluationResult evaluation;

  TaskRecord(String taskId, String federationId, String nodeId, TaskKind kind, int round,
      String modelVersion, long deadlineMs) {
    this.taskId = taskId;
    this.federationId = federationId;
    this.nodeId = nodeId;
    this.kind = kind;
    this.round = round;
    this.modelVersion = modelVersion;
    this.deadlineMs = deadlineMs;
  }

  public String taskId() {
    return taskId;
  }

  public String federationId() {
    return federationId;
  }

  public String nodeId() {
    return nodeId;
  }

  public TaskKind kind() {
    return kind;
  }

  public int round() {
    return round;
  }

  public String modelVersion() {
    return modelVersion;
  }

  public long deadlineMs() {
    return deadlineMs;
  }
}
