package io.cohort.deploy.cli;

import io.cohort.deploy.UserError;
import io.grpc.Status;

/** The one-line error every CLI command gives when the coordinator cannot be reached. */
final class Unreachable {

  private Unreachable() {}

  /** True when {@code status} means the call never got an answer from the coordinator. */
  static boolean is(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE
        || status.getCode() == Status.Code.DEADLINE_EXCEEDED;
  }

  /** "cannot reach the coordinator at T (CODE: why); {@code hint}". */
  static UserError error(String target, Status status, String hint) {
    return new UserError("cannot reach the coordinator at " + target + " (" + status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription()) + "); "
        + hint);
  }
}
