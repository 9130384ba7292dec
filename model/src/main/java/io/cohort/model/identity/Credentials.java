package io.cohort.model.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * One participant's credential bundle, as {@code cohort provision} writes it: its certificate,
 * its private key and the federation's CA certificate, in one PEM file that every command takes
 * with {@code --credentials FILE}.
 */
public record Credentials(X509Certificate certificate, PrivateKey key, X509Certificate ca) {

  /** Who this bundle identifies. */
  public Identity identity() {
    return Identity.of(certificate);
  }

  /** The bundle as PEM: certificate, PKCS#8 private key, CA certificate. */
  public String toPem() {
    return Pem.encode(certificate, Pem.pkcs8(key), ca);
  }

  /** Writes the bundle readable by its owner only (it holds a private key). */
  public void write(Path file) {
    Pem.write(file, toPem(), true);
  }

  /**
   * Reads a bundle; IllegalArgumentException naming the file and what is missing when it is not
   * one certificate, one key and the self-signed CA certificate that issued it.
   */
  public static Credentials read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("credentials file " + file + " does not exist");
    }
    List<X509Certificate> certs = new ArrayList<>();
    PrivateKey key = null;
    JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
    try {
      for (Object o : Pem.readAll(file)) {
        if (o instanceof X509CertificateHolder h) {
          certs.add(new JcaX509CertificateConverter().getCertificate(h));
        } else if (o instanceof PrivateKeyInfo info) {
          key = keys.getPrivateKey(info);
        } else if (o instanceof PEMKeyPair pair) {
          key = keys.getKeyPair(pair).getPrivate();
        }
      }
    } catch (CertificateException | PEMException e) {
      throw new IllegalArgumentException("credentials file " + file + " is damaged: "
          + e.getMessage(), e);
    }
    X509Certificate ca = certs.stream().filter(Credentials::selfSigned).findFirst().orElse(null);
    X509Certificate own = certs.stream().filter(c -> !selfSigned(c)).findFirst().orElse(null);
    if (own == null || key == null || ca == null) {
      throw new IllegalArgumentException("credentials file " + file + " must hold a"
          + " certificate, its private key and the CA certificate (made by cohort provision)");
    }
    return new Credentials(own, key, ca);
  }

  private static boolean selfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }
}
