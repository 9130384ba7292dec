package io.cohort.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.coordinator.federation.Federation;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's JSON report (documented in docs/report.md). Core sections: {@code federation},
 * {@code rounds}, {@code final}, {@code nodes}; later features add their own top-level sections
 * ({@code privacy}, {@code billing}, {@code usage}, {@code security}).
 */
public final class DemoReport {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private DemoReport() {}

  public static ObjectNode build(Federation f, List<RoundSummary> rounds, List<Node> nodes) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode fed = root.putObject("federation");
    fed.put("id", f.id());
    fed.put("state", f.state().name());
    fed.put("strategy", f.spec().getStrategy());
    fed.put("model", f.spec().getModel().getArchitecture());
    fed.put("rounds_planned", f.spec().getRounds());
    fed.put("rounds_completed", f.completedRounds());
    fed.put("seed", f.spec().getSeed());
    ArrayNode arr = root.putArray("rounds");
    for (RoundSummary r : rounds) {
      ObjectNode o = arr.addObject();
      o.put("round", r.getRound());
      o.put("attempt", r.getAttempt());
      o.put("outcome", r.getOutcome().name());
      o.put("model_version", r.getModelVersion());
      ArrayNode p = o.putArray("participants");
      r.getParticipantsList().forEach(p::add);
      ArrayNode d = o.putArray("dropped");
      r.getDroppedList().forEach(d::add);
      if (r.getOutcome() == RoundOutcome.SUCCEEDED) {
        metrics(o.putObject("global"), r.getGlobal());
        ObjectNode sites = o.putObject("sites");
        for (Map.Entry<String, Metrics> e : new TreeMap<>(r.getSitesMap()).entrySet()) {
          metrics(sites.putObject(e.getKey()), e.getValue());
        }
        num(o, "train_loss", r.getTrainLoss());
        ObjectNode samples = o.putObject("samples");
        new TreeMap<>(r.getSamplesMap()).forEach(samples::put);
        if (r.getFlaggedCount() > 0) {
          ObjectNode flagged = o.putObject("flagged");
          new TreeMap<>(r.getFlaggedMap()).forEach(flagged::put);
        }
        num(o, "quality", r.getQuality());
        if (r.getCentralEpsilon() > 0) {
          o.put("central_epsilon", r.getCentralEpsilon());
          o.put("central_epsilon_without_sampling", r.getCentralEpsilonWithoutSampling());
        }
        if (r.getContributionCount() > 0) {
          ObjectNode c = o.putObject("contribution");
          new TreeMap<>(r.getContributionMap()).forEach(c::put);
          ObjectNode sh = o.putObject("shares_ppm");
          new TreeMap<>(r.getSharesPpmMap()).forEach(sh::put);
        }
        if (r.getEpsilonCount() > 0) {
          ObjectNode eps = o.putObject("epsilon");
          new TreeMap<>(r.getEpsilonMap()).forEach(eps::put);
        }
      }
      o.put("duration_ms", r.getDurationMs());
    }
    ObjectNode fin = root.putObject("final");
    fin.put("model_version", f.currentVersion());
    rounds.stream().filter(r -> r.getOutcome() == RoundOutcome.SUCCEEDED)
        .reduce((a, b) -> b).ifPresent(r -> metrics(fin.putObject("global"), r.getGlobal()));
    if (nodes.stream().anyMatch(n -> n.getCapabilities().getDifferentialPrivacy())) {
      ObjectNode privacy = root.putObject("privacy");
      for (Node n : nodes) {
        ObjectNode o = privacy.putObject(n.getNodeId());
        o.put("epsilon", n.getEpsilonSpent());
        o.put("delta", n.getCapabilities().getDelta());
        o.put("budget", n.getCapabilities().getEpsilonBudget());
        o.put("status", n.getStatus() == io.cohort.proto.v1.NodeStatus.BUDGET_EXHAUSTED
            ? "exhausted" : "ok");
      }
    }
    ObjectNode ns = root.putObject("nodes");
    for (Node n : nodes) {
      ObjectNode o = ns.putObject(n.getNodeId());
      o.put("train_examples", n.getDataset().getTrainExamples());
      o.put("eval_examples", n.getDataset().getEvalExamples());
      o.put("rounds_contributed", n.getRoundsContributed());
      o.put("device", n.getCapabilities().getDevice());
    }
    return root;
  }

  public static void write(Path file, ObjectNode report) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    JSON.writeValue(file.toFile(), report);
  }

  private static void metrics(ObjectNode o, Metrics m) {
    num(o, "loss", m.getLoss());
    num(o, "accuracy", m.getAccuracy());
    num(o, "auc", m.getAuc());
    o.put("examples", m.getExamples());
  }

  private static void num(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }
}
