package io.cohort.model.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A federation's provisioning directory: {@code ca.pem}, {@code ca-key.pem} (0600; keep it
 * offline once participants are issued), {@code crl.pem}, one {@code <id>.bundle.pem} per
 * participant, and {@code issued.tsv} (serial, id, role, expiry of every certificate issued, so
 * an id's certificates can be revoked). Running provisioning again reuses the CA.
 */
public final class ProvisionDirectory {

  /** The coordinator's id: its bundle is {@code coordinator.bundle.pem}. */
  public static final String COORDINATOR_ID = "coordinator";
  /** A revocation list is renewed at least this often (each revoke renews it). */
  static final int CRL_DAYS = 3650;

  private final Path dir;

  public ProvisionDirectory(Path dir) {
    this.dir = dir;
  }

  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  public Path caKeyFile() {
    return dir.resolve("ca-key.pem");
  }

  public Path crlFile() {
    return dir.resolve("crl.pem");
  }

  public Path bundle(String id) {
    return dir.resolve(id + ".bundle.pem");
  }

  private Path index() {
    return dir.resolve("issued.tsv");
  }

  /** One certificate issued: what the command prints. */
  public record Issued(Identity identity, BigInteger serial, Path bundle) {
  }

  /**
   * Creates the CA (unless the directory has one) and the revocation list, then issues a bundle
   * to the coordinator (when {@code coordinatorHosts} is not empty), each node and each operator.
   * Validates every id before writing anything.
   */
  public List<Issued> provision(Collection<String> coordinatorHosts, Collection<String> nodes,
      Collection<String> operators, int days) {
    if (days < 1 || days > 36_500) {
      throw new IllegalArgumentException("--days must be between 1 and 36500, got " + days);
    }
    List<Identity> who = new ArrayList<>();
    if (!coordinatorHosts.isEmpty()) {
      who.add(new Identity(COORDINATOR_ID, Role.COORDINATOR));
    }
    nodes.forEach(n -> who.add(new Identity(n, Role.NODE)));
    operators.forEach(o -> who.add(new Identity(o, Role.OPERATOR)));
    Set<String> ids = new HashSet<>();
    for (Identity i : who) {
      if (!ids.add(i.id())) {
        throw new IllegalArgumentException("id '" + i.id() + "' is given twice (ids name the"
            + " bundle files, so nodes, operators and the coordinator need distinct ids)");
      }
      if (i.id().equals(COORDINATOR_ID) && i.role() != Role.COORDINATOR) {
        throw new IllegalArgumentException("id '" + COORDINATOR_ID + "' is the coordinator's");
      }
      String earlier = roleIssuedTo(i.id());
      if (earlier != null && !earlier.equals(i.role().label())) {
        throw new IllegalArgumentException("id '" + i.id() + "' was issued as " + earlier
            + " in " + dir + "; an id keeps its role (its bundle file would be replaced)");
      }
    }
    CertificateAuthority ca = openOrCreate(days);
    List<Issued> out = new ArrayList<>();
    for (Identity i : who) {
      Credentials c = ca.issue(i, i.role() == Role.COORDINATOR ? coordinatorHosts : List.of(),
          days);
      c.write(bundle(i.id()));
      appendIndex(c.certificate(), i);
      out.add(new Issued(i, c.certificate().getSerialNumber(), bundle(i.id())));
    }
    return out;
  }

  /**
   * Revokes every certificate issued to {@code id} and re-signs the revocation list.
   *
   * @return the serial numbers newly revoked
   */
  public List<BigInteger> revoke(String id) {
    CertificateAuthority ca = open();
    List<BigInteger> serials = serialsOf(id);
    if (serials.isEmpty()) {
      throw new IllegalArgumentException("no certificate was issued to '" + id + "' in " + dir);
    }
    X509CRL old = RevocationList.read(crlFile(), ca.certificate());
    Set<BigInteger> all = new LinkedHashSet<>();
    if (old.getRevokedCertificates() != null) {
      for (X509CRLEntry e : old.getRevokedCertificates()) {
        all.add(e.getSerialNumber());
      }
    }
    List<BigInteger> added = serials.stream().filter(s -> !all.contains(s)).toList();
    if (added.isEmpty()) {
      return added;
    }
    all.addAll(added);
    writeCrl(ca, all, crlNumber(old) + 1);
    return added;
  }

  /** The CA in this directory; IllegalArgumentException when there is none. */
  public CertificateAuthority open() {
    if (!Files.exists(caFile()) || !Files.exists(caKeyFile())) {
      throw new IllegalArgumentException("no certificate authority in " + dir
          + " (ca.pem and ca-key.pem): run cohort provision --out " + dir + " first");
    }
    return new CertificateAuthority(Pem.certificate(caFile()), readKey(caKeyFile()));
  }

  private CertificateAuthority openOrCreate(int days) {
    if (Files.exists(caFile())) {
      return open();
    }
    // The CA outlives what it issues, so renewing a participant never needs a new CA.
    CertificateAuthority ca = CertificateAuthority.create(dir.toAbsolutePath().getFileName()
        .toString(), Math.max(days, 3650));
    Pem.write(caKeyFile(), Pem.encode(Pem.pkcs8(ca.key())), true);
    Pem.write(caFile(), Pem.encode(ca.certificate()), false);
    writeCrl(ca, List.of(), 1);
    return ca;
  }

  private void writeCrl(CertificateAuthority ca, Collection<BigInteger> revoked, long number) {
    Pem.write(crlFile(), Pem.encode(ca.revocationList(revoked, number, CRL_DAYS)), false);
  }

  private static long crlNumber(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (ext == null) {
      return 0;
    }
    return org.bouncycastle.asn1.x509.CRLNumber.getInstance(
        org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getCRLNumber()
        .longValueExact();
  }

  private void appendIndex(X509Certificate c, Identity i) {
    String line = c.getSerialNumber().toString(16) + "\t" + i.id() + "\t" + i.role().label()
        + "\t" + c.getNotAfter().toInstant() + "\n";
    try {
      Files.writeString(index(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + index(), e);
    }
  }

  private List<BigInteger> serialsOf(String id) {
    return issuedTo(id).stream().map(f -> new BigInteger(f[0], 16)).toList();
  }

  /** The role an id was issued before, or null. */
  private String roleIssuedTo(String id) {
    return issuedTo(id).stream().map(f -> f[2]).findFirst().orElse(null);
  }

  /** The index rows (serial, id, role, expiry) of one id. */
  private List<String[]> issuedTo(String id) {
    if (!Files.exists(index())) {
      return List.of();
    }
    try {
      return Files.readAllLines(index(), StandardCharsets.UTF_8).stream()
          .map(l -> l.split("\t")).filter(f -> f.length >= 3 && f[1].equals(id)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index(), e);
    }
  }

  private static PrivateKey readKey(Path file) {
    try {
      for (Object o : Pem.readAll(file)) {
        if (o instanceof PrivateKeyInfo info) {
          return new JcaPEMKeyConverter().getPrivateKey(info);
        }
      }
    } catch (PEMException e) {
      throw new IllegalArgumentException(file + " is damaged: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(file + " holds no private key");
  }

  /** The CA certificate of a provisioning directory (tests and tools). */
  public X509Certificate caCertificate() {
    return Pem.certificate(caFile());
  }
}
