package io.cohort.coordinator.security;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.Identity;
import io.cohort.model.identity.RevocationList;
import io.cohort.model.identity.Role;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * The coordinator's TLS: its own certificate from the provisioning bundle, client certificates
 * requested but optional at the TLS level (inference consumers connect with server-side TLS and
 * an API key), checked against the CA and revocation list when presented. Which services need
 * which certificate is decided per call by {@link CallerAuthorization}.
 */
public final class ServerTls {

  private final Credentials credentials;
  private final RevocationList revocations;
  private final SslContext context;

  /** Loads the bundle and revocation list; IllegalArgumentException naming a bad file. */
  public ServerTls(TlsSettings settings, AuditLog audit) {
    this.credentials = Credentials.read(settings.credentials());
    Identity self = credentials.identity();
    if (self.role() != Role.COORDINATOR) {
      throw new IllegalArgumentException("credentials " + settings.credentials() + " are for "
          + self + ", not a coordinator (use coordinator.bundle.pem)");
    }
    this.revocations = new RevocationList(settings.revocationList(), credentials.ca());
    try {
      this.context = GrpcSslContexts.configure(SslContextBuilder
              .forServer(credentials.key(), credentials.certificate()))
          .trustManager(new CertificateTrust(credentials.ca(), revocations, audit))
          .clientAuth(ClientAuth.OPTIONAL)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the server TLS context: " + e.getMessage(),
          e);
    }
  }

  public SslContext context() {
    return context;
  }

  public RevocationList revocations() {
    return revocations;
  }

  public Credentials credentials() {
    return credentials;
  }
}
