package io.cohort.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.proto.v1.ListNodesResponse;
import io.cohort.proto.v1.Node;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cohort nodes}: the nodes of a federation. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
    description = "Lists a federation's nodes: status, last seen, samples, device, rounds"
        + " contributed, privacy spent, and flags: updates robust aggregation left out or"
        + " refused uploads (SUSPECT after 3).")
public final class NodesCommand extends OperatorQuery {

  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault());

  @Mixin FederationOption which;

  @Override
  void query(OperatorClient client, PrintWriter out) throws InvalidProtocolBufferException {
    String id = client.federationId(which.federation);
    ListNodesResponse nodes = client.call(s -> s.listNodes(StatusCommand.ref(id)));
    if (printedAsJson(nodes, out)) {
      return;
    }
    if (nodes.getNodesCount() == 0) {
      out.println("federation " + id + " has no nodes yet");
    } else {
      Table t = new Table("NODE", "STATUS", "LAST_SEEN", "SAMPLES>", "DEVICE", "ROUNDS>",
          "EPSILON>", "BUDGET>", "FLAGS");
      for (Node n : nodes.getNodesList()) {
        boolean dp = n.getCapabilities().getDifferentialPrivacy() || n.getEpsilonSpent() > 0;
        t.row(n.getNodeId(), n.getStatus(), n.getLastSeenMs() == 0 ? "never"
                : TIME.format(Instant.ofEpochMilli(n.getLastSeenMs())),
            n.getDataset().getTrainExamples(),
            n.getCapabilities().getDevice().isEmpty() ? "-" : n.getCapabilities().getDevice(),
            n.getRoundsContributed(),
            dp ? String.format(Locale.ROOT, "%.3f", n.getEpsilonSpent()) : "-",
            n.getCapabilities().getEpsilonBudget() > 0 ? String.format(Locale.ROOT, "%.2f",
                n.getCapabilities().getEpsilonBudget()) : "-", flags(n));
      }
      t.print(out);
    }
  }

  /** Robust aggregation's view of the node: suspect, flagged updates, refused uploads. */
  static String flags(Node n) {
    if (n.getFlaggedUpdates() + n.getRejectedUploads() == 0) {
      return "-";
    }
    return (n.getSuspect() ? "SUSPECT " : "") + n.getFlaggedUpdates() + " flagged/"
        + n.getRejectedUploads() + " refused";
  }
}
