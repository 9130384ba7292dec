package io.cohort.model.identity;

import java.util.Locale;

/**
 * What a certificate's holder is in a federation. Written as the subject's OU, so the role
 * travels with the certificate and can never be claimed in a message.
 */
public enum Role {
  /** The coordinator's server certificate. */
  COORDINATOR,
  /** A data owner's edge client: opens its own session, trains its own tasks. */
  NODE,
  /** A person or tool running federations: the operator API and audit log. */
  OPERATOR;

  /** The OU value: "node", "operator", "coordinator". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named by an OU value, or IllegalArgumentException naming it. */
  public static Role fromLabel(String label) {
    for (Role r : values()) {
      if (r.label().equals(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + label
        + "' (expected node, operator or coordinator)");
  }
}
