package io.cohort.coordinator.security;

import io.cohort.model.identity.Identity;
import io.grpc.Context;
import java.util.Optional;

/**
 * The identity of the certificate behind the current gRPC call, put into the call's context by
 * {@link CallerAuthorization}. Code that needs to know who calls asks here, never a message.
 */
public final class Caller {

  static final Context.Key<Identity> KEY = Context.key("cohort-caller-identity");

  private Caller() {
  }

  /** The calling certificate's identity; empty on a plaintext server or without a certificate. */
  public static Optional<Identity> current() {
    return Optional.ofNullable(KEY.get());
  }

  /** The audit log's actor for the current call: "operator:alice", or {@code fallback}. */
  public static String actorOr(String fallback) {
    return current().map(Identity::toString).orElse(fallback);
  }
}
