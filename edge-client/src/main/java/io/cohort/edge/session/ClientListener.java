package io.cohort.edge.session;

import io.cohort.edge.task.TrainOutcome;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.Task;

/** Hears what the edge client does, for its console, progress bar and logs. */
public interface ClientListener {

  default void connected(String sessionId) {}

  default void disconnected(String reason, long retryInMs) {}

  default void trainingStarted(Task task) {}

  default void trainingProgress(Task task, double fraction, double loss) {}

  default void trained(Task task, TrainOutcome outcome, boolean duplicate) {}

  default void declined(Task task, String code, String message) {}

  default void evaluated(Task task, EvaluationResult result) {}

  default void taskFailed(Task task, String reason) {}

  default void federationEnded(String state, String reason, String finalVersion) {}
}
