package io.cohort.deploy.demo;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a federation's progress round by round, then a summary. */
final class DemoConsole implements FederationListener {

  private final PrintStream out;
  private final int totalRounds;

  DemoConsole(PrintStream out, int totalRounds) {
    this.out = out;
    this.totalRounds = totalRounds;
  }

  void header(FederationSpec spec, String target, Path dir, int nodes) {
    out.printf(Locale.ROOT, "Cohort demo: federation '%s', %d node%s, model %s, strategy %s,"
        + " %d rounds%n", spec.getFederationId(), nodes, nodes == 1 ? "" : "s",
        spec.getModel().getArchitecture(), spec.getStrategy(), spec.getRounds());
    out.printf("coordinator on %s; files and node logs in %s%n", target, dir);
  }

  void waitingForNodes() {
    out.println("starting edge-client processes (each loads its own rows and the DJL engine)...");
  }

  void nodesConnected(List<Node> nodes) {
    out.println("connected: " + nodes.stream().map(n -> n.getNodeId() + " ("
        + n.getDataset().getTrainExamples() + " train / " + n.getDataset().getEvalExamples()
        + " held-out)").collect(Collectors.joining(", ")));
    // The per-site column is last: its width grows with the number of sites.
    out.printf("%-7s %-17s %-5s %-7s %-6s %-6s %7s  %s%n", "round", "version", "nodes",
        "loss", "acc", "auc", "time", "accuracy per site");
  }

  @Override
  public void roundFinished(String federationId, RoundSummary r) {
    if (r.getOutcome() != RoundOutcome.SUCCEEDED) {
      out.printf(Locale.ROOT, "%3d/%-3d %s (attempt %d; dropped %s)%n", r.getRound(),
          totalRounds, r.getOutcome(), r.getAttempt(), r.getDroppedList());
      return;
    }
    Metrics g = r.getGlobal();
    String sites = r.getSitesMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue().getAccuracy())
            + (r.containsEpsilon(e.getKey()) ? String.format(Locale.ROOT, " (eps %.2f)",
                r.getEpsilonOrThrow(e.getKey())) : ""))
        .collect(Collectors.joining("  "));
    out.printf(Locale.ROOT, "%3d/%-3d %-17s %d/%-3d %-7.4f %-6.3f %-6.3f %5.1f s  %s%n",
        r.getRound(), totalRounds, r.getModelVersion(), r.getParticipantsCount(),
        r.getParticipantsCount() + r.getDroppedCount(), g.getLoss(), g.getAccuracy(), g.getAuc(),
        r.getDurationMs() / 1000.0, sites);
  }

  @Override
  public void stateChanged(String federationId, FederationState state, String reason) {
    if (state == FederationState.FAILED) {
      out.println("federation " + federationId + " FAILED: " + reason);
    }
  }

  void summary(Federation f, List<RoundSummary> rounds) {
    RoundSummary last = rounds.stream().filter(r -> r.getOutcome() == RoundOutcome.SUCCEEDED)
        .reduce((a, b) -> b).orElse(null);
    out.println();
    out.printf("federation %s %s after %d rounds%n", f.id(), f.state(), f.completedRounds());
    if (last != null) {
      Metrics g = last.getGlobal();
      out.printf(Locale.ROOT, "final model %s: accuracy %.3f, AUC %.3f, loss %.4f on the union"
          + " of the sites' held-out splits (%d records)%n", last.getModelVersion(),
          g.getAccuracy(), g.getAuc(), g.getLoss(), g.getExamples());
      RoundSummary best = rounds.stream().filter(r -> r.getOutcome() == RoundOutcome.SUCCEEDED)
          .max((a, b) -> Double.compare(a.getGlobal().getAccuracy(), b.getGlobal().getAccuracy()))
          .orElseThrow();
      out.printf(Locale.ROOT, "best round %d: accuracy %.3f%n", best.getRound(),
          best.getGlobal().getAccuracy());
    }
  }
}
