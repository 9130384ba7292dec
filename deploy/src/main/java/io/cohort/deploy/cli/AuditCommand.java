package io.cohort.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.AuditOutcome;
import io.cohort.proto.v1.ListAuditEventsRequest;
import io.cohort.proto.v1.ListAuditEventsResponse;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cohort audit}: the coordinator's audit log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Lists the audit log: operator actions and security-relevant events (refused"
        + " sessions, rejected uploads), oldest first: who, what, when, from where."})
public final class AuditCommand extends OperatorQuery {

  @Option(names = {"-f", "--federation"}, defaultValue = "${env:COHORT_FEDERATION}",
      description = "Only events about this federation (env COHORT_FEDERATION; default: all).")
  String federation;

  @Option(names = {"-n", "--limit"}, defaultValue = "100",
      description = "Show the newest N events, at most 1000 (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  void query(OperatorClient client, PrintWriter out) throws InvalidProtocolBufferException {
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
    }
    ListAuditEventsResponse events = client.call(s -> s.listAuditEvents(ListAuditEventsRequest
        .newBuilder().setFederationId(federation == null ? "" : federation).setLimit(limit)
        .build()));
    if (printedAsJson(events, out)) {
      return;
    }
    if (events.getEventsCount() == 0) {
      out.println("no audit events");
    } else {
      Table t = new Table("SEQ>", "TIME", "WHO", "ACTION", "FEDERATION", "TARGET", "FROM",
          "OUTCOME", "DETAIL");
      for (AuditEvent e : events.getEventsList()) {
        t.row(e.getSequence(), NodesCommand.TIME.format(Instant.ofEpochMilli(e.getAtMs())),
            e.getActor(), e.getAction(), dash(e.getFederationId()), dash(e.getTarget()),
            dash(e.getPeer()), e.getOutcome() == AuditOutcome.AUDIT_REFUSED ? "refused"
                : "allowed", dash(e.getDetail()));
      }
      t.print(out);
    }
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
