package io.cohort.coordinator.security;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.model.identity.RevocationList;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Decides at the TLS handshake whether a client certificate is acceptable: it must chain to the
 * federation's CA (standard PKIX checks: signature, validity, client-auth key usage) and must not
 * be on the revocation list. Every refusal is written to the audit log before the handshake
 * fails, with the subject the client presented.
 */
final class CertificateTrust extends X509ExtendedTrustManager {

  private final X509TrustManager pkix;
  private final RevocationList revocations;
  private final AuditLog audit;

  CertificateTrust(X509Certificate ca, RevocationList revocations, AuditLog audit) {
    this.pkix = pkixTrusting(ca);
    this.revocations = revocations;
    this.audit = audit;
  }

  private static X509TrustManager pkixTrusting(X509Certificate ca) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("federation-ca", ca);
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(store);
      for (var tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a trust manager for the CA", e);
    }
    throw new IllegalStateException("no X509 trust manager in this JVM");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, authType, "unknown");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, authType, socket == null ? "unknown" : String.valueOf(
        socket.getRemoteSocketAddress()));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType, engine == null || engine.getPeerHost() == null ? "unknown"
        : engine.getPeerHost() + ":" + engine.getPeerPort());
  }

  private void check(X509Certificate[] chain, String authType, String peer)
      throws CertificateException {
    String subject = chain == null || chain.length == 0 ? "no certificate"
        : chain[0].getSubjectX500Principal().getName();
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      refuse(subject, peer, "certificate not issued by this federation's CA: " + e.getMessage());
      throw e;
    }
    if (revocations.isRevoked(chain[0])) {
      refuse(subject, peer, "certificate serial " + chain[0].getSerialNumber().toString(16)
          + " is revoked");
      throw new CertificateException("certificate " + subject + " is revoked");
    }
  }

  private void refuse(String subject, String peer, String why) {
    audit.refused(AuditLog.event("cert:" + subject, "tls.handshake", "", "tls " + peer)
        .setTarget("client certificate"), why);
  }

  /** Only the coordinator's own server side is trusted through this class; never as a client. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("the coordinator does not dial servers with this trust");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  /**
   * No CA names in the certificate request: clients then present whatever certificate they hold,
   * so a certificate from another CA is refused (and audited) here rather than silently not sent.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
