package io.cohort.deploy.cli;

import io.cohort.deploy.UserError;
import io.cohort.proto.v1.Federation;
import io.cohort.proto.v1.ListFederationsRequest;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The operator CLI's connection to a coordinator. Every call has a deadline, and every refusal
 * becomes a {@link UserError}: one line with the coordinator's reason, exit code 2.
 */
final class OperatorClient implements AutoCloseable {

  private static final long DEADLINE_S = 15;

  private final String target;
  private final ManagedChannel channel;
  private final OperatorServiceGrpc.OperatorServiceBlockingStub stub;

  /** A client of the coordinator at {@code target} over {@code channel}. */
  OperatorClient(String target, ManagedChannel channel) {
    this.target = target;
    this.channel = channel;
    this.stub = OperatorServiceGrpc.newBlockingStub(channel);
  }

  /** Calls the coordinator; refusals and connection failures become one-line user errors. */
  <T> T call(Function<OperatorServiceGrpc.OperatorServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(stub.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS));
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      if (Unreachable.is(s)) {
        throw Unreachable.error(target, s, "is it running, and does it trust your"
            + " --credentials? set --coordinator or COHORT_COORDINATOR");
      }
      throw new UserError(s.getDescription() == null ? s.getCode().toString()
          : s.getDescription());
    }
  }

  /**
   * The federation to act on: the one named, or the only one there is.
   *
   * @throws UserError when none is named and there is not exactly one
   */
  String federationId(String named) {
    if (named != null && !named.isEmpty()) {
      return named;
    }
    List<Federation> all = call(s -> s.listFederations(ListFederationsRequest.getDefaultInstance()))
        .getFederationsList();
    if (all.isEmpty()) {
      throw new UserError("the coordinator at " + target + " has no federations");
    }
    if (all.size() > 1) {
      throw new UserError("the coordinator has " + all.size() + " federations ("
          + String.join(", ", all.stream().map(f -> f.getSpec().getFederationId()).toList())
          + "): choose one with --federation");
    }
    return all.get(0).getSpec().getFederationId();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
