package io.cohort.coordinator.security;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.PeerAddress;
import io.cohort.model.identity.Identity;
import io.cohort.model.identity.RevocationList;
import io.cohort.model.identity.Role;
import io.cohort.coordinator.limits.CallerIdentity;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Authorizes every call by the caller's certificate: the federation service needs a node
 * certificate, the operator service an operator certificate, revoked certificates are refused
 * even on connections opened before the revocation. The caller's {@link Identity} goes into the
 * call's context ({@link Caller}), and ids a node names in its messages must be its own
 * ({@link NodeClaimsInterceptor}, on the service itself, where messages are parsed). Every refusal is in the audit log: who, which method, from where.
 */
public final class CallerAuthorization implements ServerInterceptor {

  private final RevocationList revocations;
  private final AuditLog audit;

  public CallerAuthorization(RevocationList revocations, AuditLog audit) {
    this.revocations = revocations;
    this.audit = audit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (ServicePolicy.isOpen(service)) { // first: inference calls need nothing below
      return next.startCall(call, headers);
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    String peer = "grpc " + PeerAddress.format(call.getAttributes()
        .get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    Optional<X509Certificate> cert = clientCertificate(call);
    if (cert.isEmpty()) {
      return refuse(call, "anonymous", method, peer, Status.UNAUTHENTICATED.withDescription(
          method + " needs a client certificate: pass --credentials FILE from cohort provision"));
    }
    Identity who;
    try {
      who = Identity.of(cert.get());
    } catch (IllegalArgumentException e) {
      return refuse(call, "cert:" + cert.get().getSubjectX500Principal().getName(), method, peer,
          Status.UNAUTHENTICATED.withDescription("client certificate carries no Cohort identity: "
              + e.getMessage()));
    }
    if (revocations.isRevoked(cert.get())) {
      return refuse(call, who.toString(), method, peer, Status.UNAUTHENTICATED.withDescription(
          "certificate of " + who + " (serial " + cert.get().getSerialNumber().toString(16)
              + ") is revoked"));
    }
    Optional<Role> required = ServicePolicy.required(service);
    if (required.isEmpty()) {
      return refuse(call, who.toString(), method, peer, Status.PERMISSION_DENIED.withDescription(
          "service " + service + " has no authorization rule on this coordinator"));
    }
    if (who.role() != required.get()) {
      return refuse(call, who.toString(), method, peer, Status.PERMISSION_DENIED.withDescription(
          method + " needs a " + required.get().label() + " certificate; " + who + " is a "
              + who.role().label()));
    }
    return Contexts.interceptCall(
        Context.current().withValue(Caller.KEY, who)
            .withValue(CallerIdentity.KEY, who.toString()), // per-identity rate limits
        call, headers, next);
  }

  private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String actor,
      String method, String peer, Status status) {
    audit.refused(AuditLog.event(actor, "rpc.refused", "", peer).setTarget(method),
        status.getCode() + ": " + status.getDescription());
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() { };
  }

  private static Optional<X509Certificate> clientCertificate(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
