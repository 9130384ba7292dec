package io.cohort.model.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;

/**
 * The federation's certificate revocation list as a file the coordinator watches: re-read when
 * it changes on disk (so {@code cohort provision revoke} takes effect without a restart), and
 * only accepted when the federation's CA signed it.
 */
public final class RevocationList {

  private final Path file;
  private final X509Certificate ca;
  private FileTime loadedAt;
  private X509CRL current;

  /** Loads the list; IllegalArgumentException naming the file when it is missing or forged. */
  public RevocationList(Path file, X509Certificate ca) {
    this.file = file;
    this.ca = ca;
    reloadIfChanged();
  }

  /** Reads a CRL PEM file and checks the CA's signature on it. */
  public static X509CRL read(Path file, X509Certificate ca) {
    List<Object> objects = Pem.readAll(file);
    if (objects.size() != 1 || !(objects.get(0) instanceof X509CRLHolder holder)) {
      throw new IllegalArgumentException("revocation list " + file + " must hold one X509 CRL");
    }
    try {
      X509CRL crl = new JcaX509CRLConverter().getCRL(holder);
      crl.verify(ca.getPublicKey());
      return crl;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("revocation list " + file + " is not signed by the CA "
          + ca.getSubjectX500Principal().getName() + ": " + e.getMessage(), e);
    }
  }

  /** True when {@code certificate} is on the list (re-read first if the file changed). */
  public boolean isRevoked(X509Certificate certificate) {
    reloadIfChanged();
    synchronized (this) {
      return current.isRevoked(certificate);
    }
  }

  private void reloadIfChanged() {
    FileTime modified;
    try {
      modified = Files.getLastModifiedTime(file);
    } catch (IOException e) {
      if (current == null) {
        throw new IllegalArgumentException("revocation list " + file + " does not exist"
            + " (cohort provision writes crl.pem next to ca.pem)", e);
      }
      return; // a list that vanished keeps its last content: revocations are never undone
    }
    synchronized (this) {
      if (modified.equals(loadedAt)) {
        return;
      }
      X509CRL next;
      try {
        next = read(file, ca);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        if (current == null) {
          throw e;
        }
        return; // half-written or forged: keep the previous list
      }
      current = next;
      loadedAt = modified;
    }
  }
}
