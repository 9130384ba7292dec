package io.cohort.deploy.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.security.TlsSettings;
import io.cohort.model.identity.Pem;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.proto.v1.AuditOutcome;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's own credentials: a fresh CA in the work directory with a bundle for the
 * coordinator (127.0.0.1), each node and one operator, so the whole demo runs over mutual TLS;
 * and the report's {@code security} section that says so.
 */
final class DemoSecurity {

  static final String OPERATOR = "demo-operator";

  private final ProvisionDirectory pki;
  private final int participants;
  private final int nodes;

  private DemoSecurity(ProvisionDirectory pki, int participants, int nodes) {
    this.pki = pki;
    this.participants = participants;
    this.nodes = nodes;
  }

  /** Provisions {@code dir/pki} for these node ids. */
  static DemoSecurity provision(Path dir, List<String> nodeIds) {
    ProvisionDirectory pki = new ProvisionDirectory(dir.resolve("pki"));
    int issued = pki.provision(List.of("127.0.0.1"), nodeIds, List.of(OPERATOR), 30).size();
    return new DemoSecurity(pki, issued, nodeIds.size());
  }

  TlsSettings coordinatorTls() {
    return TlsSettings.fromBundle(pki.bundle(ProvisionDirectory.COORDINATOR_ID));
  }

  Path bundle(String id) {
    return pki.bundle(id);
  }

  String caFingerprint() {
    return Pem.fingerprint(pki.caCertificate());
  }

  /** The report section: mutual TLS on, which CA, who holds certificates, what was refused. */
  ObjectNode section(AuditLog audit) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("mutual_tls", true);
    s.put("ca", caFingerprint());
    s.put("participants", participants);
    s.put("nodes", nodes);
    s.put("operators", 1);
    s.put("credentials_dir", pki.caFile().getParent().toString());
    s.put("refused_calls", audit.list("", AuditLog.MAX_LIMIT, 0).stream()
        .filter(e -> e.getOutcome() == AuditOutcome.AUDIT_REFUSED).count());
    return s;
  }

  /** The section of a demo run with {@code --insecure}. */
  static ObjectNode insecureSection() {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("mutual_tls", false);
    return s;
  }
}
