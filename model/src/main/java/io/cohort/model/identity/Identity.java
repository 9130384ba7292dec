package io.cohort.model.identity;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Who a certificate says its holder is: the owner id (subject CN) and role (subject OU).
 *
 * @param id node, operator or coordinator id, {@link #ID} shaped
 */
public record Identity(String id, Role role) {

  /** Ids are the same shape as node ids, so they are safe in file names and logs. */
  public static final Pattern ID = Pattern.compile("[a-z0-9_-]{1,64}");

  public Identity {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must match [a-z0-9_-]{1,64}, got '" + id + "'");
    }
  }

  /** The identity in a certificate's subject; IllegalArgumentException if it carries none. */
  public static Identity of(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    return new Identity(single(subject, BCStyle.CN, "CN"),
        Role.fromLabel(single(subject, BCStyle.OU, "OU")));
  }

  /** The subject a certificate for this identity gets. */
  public X500Name subject() {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Cohort")
        .addRDN(BCStyle.OU, role.label()).addRDN(BCStyle.CN, id).build();
  }

  private static String single(X500Name subject, org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
      String name) {
    RDN[] rdns = subject.getRDNs(oid);
    if (rdns.length != 1) {
      throw new IllegalArgumentException("certificate subject " + subject + " must have exactly"
          + " one " + name);
    }
    return IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }

  /** "node:cleveland": the actor name in the audit log. */
  @Override
  public String toString() {
    return role.label() + ":" + id;
  }
}
