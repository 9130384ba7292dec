package io.cohort.model.identity;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A federation's certificate authority: a self-signed CA certificate and its key, which issue
 * the coordinator's, nodes' and operators' certificates and sign the revocation list. Keys are
 * ECDSA P-256 (small, fast, supported by every TLS stack).
 */
public final class CertificateAuthority {

  private static final String SIGNATURE = "SHA256withECDSA";
  /** Certificates are valid from a little before issue, so clock skew does not refuse them. */
  private static final Duration SKEW = Duration.ofHours(1);

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final SecureRandom random = new SecureRandom();

  public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA named "Cohort CA &lt;name&gt;", valid for {@code days}. */
  public static CertificateAuthority create(String name, int days) {
    KeyPair pair = newKeyPair();
    X500Name subject = new X500Name("CN=Cohort CA " + name + ",O=Cohort");
    try {
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
          serial(new SecureRandom()), Date.from(now.minus(SKEW)),
          Date.from(now.plus(Duration.ofDays(days))), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the CA certificate", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  /**
   * Issues a certificate and key for {@code identity}, valid for {@code days}. A coordinator's
   * certificate is a TLS server certificate for {@code hosts} (DNS names or IP addresses); the
   * others are TLS client certificates.
   */
  public Credentials issue(Identity identity, Collection<String> hosts, int days) {
    KeyPair pair = newKeyPair();
    boolean server = identity.role() == Role.COORDINATOR;
    if (server && hosts.isEmpty()) {
      throw new IllegalArgumentException("a coordinator certificate needs at least one host");
    }
    try {
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
          serial(random), Date.from(now.minus(SKEW)), Date.from(now.plus(Duration.ofDays(days))),
          identity.subject(), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(server
              ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(certificate));
      if (server) {
        b.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
      }
      return new Credentials(sign(b, key), pair.getPrivate(), certificate);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + identity, e);
    }
  }

  /**
   * A revocation list naming {@code revoked} serial numbers, numbered {@code number} (each new
   * list gets a higher one) and due for renewal after {@code days}.
   */
  public X509CRL revocationList(Collection<BigInteger> revoked, long number, int days) {
    Instant now = Instant.now();
    X509v2CRLBuilder b = new X509v2CRLBuilder(
        X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), Date.from(now));
    b.setNextUpdate(Date.from(now.plus(Duration.ofDays(days))));
    for (BigInteger serial : revoked) {
      b.addCRLEntry(serial, Date.from(now), CRLReason.keyCompromise);
    }
    try {
      b.addExtension(Extension.cRLNumber, false,
          new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(number)));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      return new JcaX509CRLConverter().getCRL(b.build(signer(key)));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the revocation list", e);
    }
  }

  private static GeneralNames alternativeNames(Collection<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      names.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host)
          : new GeneralName(GeneralName.dNSName, host));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /** An IPv4 or IPv6 literal (never a DNS lookup). */
  static boolean isIpLiteral(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signingKey)
      throws CertificateException {
    X509CertificateHolder holder = b.build(signer(signingKey));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static ContentSigner signer(PrivateKey signingKey) {
    try {
      return new JcaContentSignerBuilder(SIGNATURE).build(signingKey);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator in this JVM", e);
    }
  }

  /** A random positive 127-bit serial: unguessable, unique in practice. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).setBit(126);
  }
}
