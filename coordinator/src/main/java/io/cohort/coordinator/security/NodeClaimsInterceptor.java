package io.cohort.coordinator.security;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.PeerAddress;
import io.cohort.model.identity.Identity;
import io.cohort.model.identity.Role;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;

/**
 * Applies {@link NodeClaims} to a node's calls. It must sit where request messages are already
 * parsed (on the service definition, inside {@code MalformedRequests}), not on the server, where
 * a service wrapped for precise refusals still sees raw bytes; the caller's identity comes from
 * the context {@link CallerAuthorization} filled in.
 */
public final class NodeClaimsInterceptor implements ServerInterceptor {

  private final AuditLog audit;

  public NodeClaimsInterceptor(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> inner = next.startCall(call, headers);
    Optional<Identity> who = Caller.current();
    if (who.isEmpty() || who.get().role() != Role.NODE) {
      return inner; // plaintext (no identities) or not a node
    }
    return new NodeClaims<>(inner, call, who.get(), PeerAddress.current(), audit);
  }
}
