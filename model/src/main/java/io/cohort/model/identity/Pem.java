package io.cohort.model.identity;

import io.cohort.model.codec.Sha256;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemGenerationException;

/** Reading and writing PEM files: every object in a file, and files only their owner reads. */
public final class Pem {

  private Pem() {
  }

  /** Every PEM object in a file, in order (certificate holders, key infos, CRL holders). */
  public static List<Object> readAll(Path file) {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      Object o;
      while ((o = parser.readObject()) != null) {
        out.add(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read PEM file " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The first certificate in a PEM file (a CA file, or the own certificate of a bundle). */
  public static X509Certificate certificate(Path file) {
    try {
      for (Object o : readAll(file)) {
        if (o instanceof X509CertificateHolder h) {
          return new JcaX509CertificateConverter().getCertificate(h);
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " is damaged: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(file + " holds no certificate");
  }

  /** The PEM text of these objects (certificates, CRLs, PEM generators for keys). */
  public static String encode(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** A private key as an unencrypted PKCS#8 "PRIVATE KEY" block, for {@link #encode}. */
  public static Object pkcs8(PrivateKey key) {
    try {
      return new JcaPKCS8Generator(key, null);
    } catch (PemGenerationException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
  }

  /**
   * Replaces a file atomically; {@code secret} files are readable by their owner only (0600)
   * from the moment they exist.
   */
  public static void write(Path file, String text, boolean secret) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      if (secret) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } else {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** SHA-256 of the certificate's DER encoding, lower-case hex: how people compare CAs. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return Sha256.of(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
