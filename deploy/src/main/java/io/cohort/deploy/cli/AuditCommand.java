package io.cohort.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.AuditOutcome;
import io.cohort.proto.v1.ListAuditEventsRequest;
import io.cohort.proto.v1.ListAuditEventsResponse;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cohort audit}: the coordinator's audit log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Lists the audit log: operator actions and security-relevant events (refused"
        + " sessions, rejected uploads), oldest first: who, what, when, from where."})
public final class AuditCommand implements Callable<Integer> {

  @Mixin CoordinatorAddress at;

  @Option(names = {"-f", "--federation"}, defaultValue = "${env:COHORT_FEDERATION}",
      description = "Only events about this federation (env COHORT_FEDERATION; default: all).")
  String federation;

  @Option(names = {"-n", "--limit"}, defaultValue = "100",
      description = "Show the newest N events, at most 1000 (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print the events as JSON (the ListAuditEvents"
      + " response).")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (OperatorClient client = at.connect()) {
      ListAuditEventsResponse events = client.call(s -> s.listAuditEvents(ListAuditEventsRequest
          .newBuilder().setFederationId(federation == null ? "" : federation).setLimit(limit)
          .build()));
      if (json) {
        out.println(JsonFormat.printer().print(events));
      } else if (events.getEventsCount() == 0) {
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
      out.flush();
      return 0;
    }
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
