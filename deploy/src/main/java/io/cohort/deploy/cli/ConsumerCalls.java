package io.cohort.deploy.cli;

import io.cohort.coordinator.inference.ApiKeyMetadata;
import io.cohort.deploy.UserError;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Calls to the coordinator's inference and key services from the CLI: a deadline on every call,
 * the API key in {@code authorization: Bearer}, and every refusal turned into a one-line
 * {@link UserError} (exit code 2) with the coordinator's reason.
 */
final class ConsumerCalls implements AutoCloseable {

  private final String target;
  private final ManagedChannel channel;

  ConsumerCalls(String target, ManagedChannel channel) {
    this.target = target;
    this.channel = channel;
  }

  ManagedChannel channel() {
    return channel;
  }

  /** The stub with a 30 s deadline and, when given, the API key. */
  <S extends AbstractStub<S>> S prepare(S stub, String apiKey) {
    S s = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
    if (apiKey == null) {
      return s;
    }
    return s.withInterceptors(ApiKeyMetadata.bearer(apiKey));
  }

  <T> T call(Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      if (Unreachable.is(s)) {
        throw Unreachable.error(target, s, "is it running, and is --ca the federation's CA?"
            + " set --coordinator or COHORT_COORDINATOR");
      }
      String retry = e.getTrailers() == null ? null
          : e.getTrailers().get(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER));
      throw new UserError(s.getCode() + ": " + s.getDescription()
          + (retry == null ? "" : " (retry after " + retry + " s)"));
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
