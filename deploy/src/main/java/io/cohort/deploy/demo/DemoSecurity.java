package io.cohort.deploy.demo;

import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.TlsChannels;
import io.grpc.ManagedChannel;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.security.TlsSettings;
import io.cohort.model.identity.Pem;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.proto.v1.AuditOutcome;
import io.cohort.proto.v1.CreateDashboardSessionRequest;
import io.cohort.proto.v1.OperatorServiceGrpc;
import java.util.concurrent.TimeUnit;
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

  /** A channel as the demo operator (mutual TLS), e.g. to create the consumers' API keys. */
  static ManagedChannel operatorChannel(DemoSecurity security, String target) {
    return TlsChannels.forTarget(target, security == null ? null
        : Credentials.read(security.bundle(OPERATOR))).build();
  }

  /**
   * The dashboard URL with a session token of the demo operator (opened over mutual TLS like
   * {@code cohort dashboard-login}), so the printed link can pause and resume.
   */
  static String dashboardLogin(DemoSecurity security, String target, String dashboardUrl) {
    ManagedChannel channel = operatorChannel(security, target);
    try {
      return dashboardUrl + "#token=" + OperatorServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(15, TimeUnit.SECONDS)
          .createDashboardSession(CreateDashboardSessionRequest.getDefaultInstance()).getToken();
    } finally {
      channel.shutdownNow();
    }
  }

  /** A channel as a consumer: TLS checking the coordinator against the demo CA, no certificate. */
  static ManagedChannel consumerChannel(DemoSecurity security, String target) {
    return security == null ? TlsChannels.forTarget(target, null).build()
        : TlsChannels.serverTls(target, security.pki.caCertificate()).build();
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
