package io.cohort.deploy.cli;

import io.cohort.proto.v1.Federation;
import io.cohort.proto.v1.FederationRef;
import io.cohort.proto.v1.ListFederationsRequest;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cohort status}: each federation's state, round, nodes and last metrics. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows federations: state, rounds done and in progress, nodes, and the last"
        + " round's metrics.")
public final class StatusCommand implements Callable<Integer> {

  @Mixin CoordinatorAddress at;

  @Option(names = {"-f", "--federation"}, defaultValue = "${env:COHORT_FEDERATION}",
      description = "Only this federation (env COHORT_FEDERATION; default: all).")
  String federation;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (OperatorClient client = at.connect()) {
      List<Federation> federations;
      if (federation == null || federation.isEmpty()) {
        federations = client.call(s -> s.listFederations(ListFederationsRequest
            .getDefaultInstance())).getFederationsList();
      } else {
        Federation one = client.call(s -> s.getFederation(ref(federation)));
        federations = List.of(one);
      }
      if (federations.isEmpty()) {
        out.println("no federations on " + at.coordinator);
      }
      for (Federation f : federations) {
        String id = f.getSpec().getFederationId();
        List<Node> nodes = client.call(s -> s.listNodes(ref(id))).getNodesList();
        List<RoundSummary> rounds = client.call(s -> s.listRounds(ref(id))).getRoundsList();
        print(out, f, nodes, rounds);
      }
      out.flush();
      return 0;
    }
  }

  static FederationRef ref(String id) {
    return FederationRef.newBuilder().setFederationId(id).build();
  }

  private static void print(PrintWriter out, Federation f, List<Node> nodes,
      List<RoundSummary> rounds) {
    out.println("federation " + f.getSpec().getFederationId() + ": " + f.getState() + ", "
        + f.getCompletedRounds() + " of " + f.getSpec().getRounds() + " rounds done"
        + (f.getCurrentRound() > 0 ? ", round " + f.getCurrentRound() + " in progress" : ""));
    if (!f.getFailureReason().isEmpty()) {
      out.println("  failed: " + f.getFailureReason());
    }
    out.println("  strategy " + f.getSpec().getStrategy() + ", model "
        + f.getSpec().getModel().getArchitecture() + ", version " + f.getCurrentModelVersion());
    long connected = nodes.stream().filter(n -> n.getStatus() != io.cohort.proto.v1.NodeStatus
        .DISCONNECTED).count();
    StringBuilder b = new StringBuilder("  nodes: " + nodes.size() + " known, " + connected
        + " connected");
    for (int i = 0; i < nodes.size(); i++) {
      b.append(i == 0 ? ": " : ", ").append(nodes.get(i).getNodeId()).append(' ')
          .append(nodes.get(i).getStatus());
    }
    out.println(b);
    rounds.stream().filter(r -> r.getOutcome() == RoundOutcome.SUCCEEDED && r.hasGlobal())
        .reduce((a, c) -> c).ifPresentOrElse(r -> out.println(String.format(Locale.ROOT,
            "  last round %d: loss %s, accuracy %s, auc %s, %d participants, %.1f s",
            r.getRound(), Table.metric(r.getGlobal().getLoss()),
            Table.metric(r.getGlobal().getAccuracy()), Table.metric(r.getGlobal().getAuc()),
            r.getParticipantsCount(), r.getDurationMs() / 1000.0)),
            () -> out.println("  no round finished yet"));
  }
}
