package io.cohort.coordinator.security;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the coordinator's mutual TLS comes from.
 *
 * @param credentials the coordinator's bundle ({@code coordinator.bundle.pem} from
 *     {@code cohort provision}): its certificate, key, and the CA every caller must chain to
 * @param revocationList the CA's {@code crl.pem}, re-read when it changes
 * @param dashboardSessionTtl how long a dashboard token from CreateDashboardSession works
 */
public record TlsSettings(Path credentials, Path revocationList, Duration dashboardSessionTtl) {

  /** Dashboard sessions last a working day unless configured otherwise. */
  public static final Duration DEFAULT_DASHBOARD_SESSION_TTL = Duration.ofHours(12);

  public TlsSettings {
    if (dashboardSessionTtl == null || dashboardSessionTtl.isNegative()
        || dashboardSessionTtl.isZero()) {
      throw new IllegalArgumentException("dashboard session lifetime must be positive, got "
          + dashboardSessionTtl);
    }
  }

  public TlsSettings(Path credentials, Path revocationList) {
    this(credentials, revocationList, DEFAULT_DASHBOARD_SESSION_TTL);
  }

  /** The bundle with the revocation list that provisioning writes beside it. */
  public static TlsSettings fromBundle(Path credentials) {
    Path dir = credentials.toAbsolutePath().getParent();
    return new TlsSettings(credentials, dir.resolve("crl.pem"));
  }

  /** The same settings with dashboard tokens lasting {@code ttl}. */
  public TlsSettings withDashboardSessionTtl(Duration ttl) {
    return new TlsSettings(credentials, revocationList, ttl);
  }
}
