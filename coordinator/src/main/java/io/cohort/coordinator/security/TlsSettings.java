package io.cohort.coordinator.security;

import java.nio.file.Path;

/**
 * Where the coordinator's mutual TLS comes from.
 *
 * @param credentials the coordinator's bundle ({@code coordinator.bundle.pem} from
 *     {@code cohort provision}): its certificate, key, and the CA every caller must chain to
 * @param revocationList the CA's {@code crl.pem}, re-read when it changes
 */
public record TlsSettings(Path credentials, Path revocationList) {

  /** The bundle with the revocation list that provisioning writes beside it. */
  public static TlsSettings fromBundle(Path credentials) {
    Path dir = credentials.toAbsolutePath().getParent();
    return new TlsSettings(credentials, dir.resolve("crl.pem"));
  }
}
