package io.cohort.coordinator.round;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a task by id across federations and rounds. Tasks of a finished phase stay findable
 * (so late results get a precise refusal and retries of accepted uploads stay idempotent) until
 * their federation's next round replaces them.
 */
public final class TaskBoard {

  /** A task and the phase it belongs to. */
  public record Entry(TaskRecord task, RoundTasks phase) {}

  private final Map<String, Entry> tasks = new ConcurrentHashMap<>();

  void register(RoundTasks phase, TaskRecord task) {
    tasks.put(task.taskId(), new Entry(task, phase));
  }

  /** Forgets every task of a federation from rounds before {@code round}. */
  void forgetBefore(String federationId, int round) {
    tasks.values().removeIf(e -> e.task().federationId().equals(federationId)
        && e.task().round() < round);
  }

  public Optional<Entry> find(String taskId) {
    return Optional.ofNullable(taskId == null ? null : tasks.get(taskId));
  }
}
