package io.cohort.coordinator.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.operator.OperatorActions;
import io.cohort.coordinator.round.RoundTasks;
import io.cohort.coordinator.round.TaskRecord;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelVersion;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.RoundSummary;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON API the dashboard reads (documented in docs/operations.md). Plain views of the
 * coordinator's state with stable camelCase names, numbers as numbers and NaN as null; actions
 * go through {@link OperatorActions}, so they are audited exactly like gRPC calls.
 */
public final class DashboardApi {

  /** An HTTP status and a JSON body. */
  public record Response(int status, JsonNode body) {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int MAX_LINEAGE = 10_000;

  private final Federations federations;
  private final OperatorActions actions;
  private final AuditLog audit;
  private final LiveRounds live;
  private final Map<String, ModelVersion> versions = new ConcurrentHashMap<>();

  DashboardApi(Federations federations, AuditLog audit, LiveRounds live) {
    this.federations = federations;
    this.actions = new OperatorActions(federations, audit);
    this.audit = audit;
    this.live = live;
  }

  // ---- routing --------------------------------------------------------------------------------

  /** Answers {@code GET /api/<path>}. */
  public Response get(String path, Map<String, String> query) {
    String[] p = segments(path);
    try {
      if (p.length == 1 && p[0].equals("federations")) {
        return ok(federationList());
      }
      if (p.length == 1 && p[0].equals("audit")) {
        return ok(auditEvents(audit.list(query.get("federation"), intParam(query, "limit"),
            intParam(query, "after"))));
      }
      if (p.length >= 2 && p[0].equals("federations")) {
        Federation f = actions.find(p[1]);
        if (p.length == 2) {
          return ok(federation(f));
        }
        if (p.length == 3) {
          switch (p[2]) {
            case "rounds":
              return ok(rounds(f));
            case "nodes":
              return ok(nodes(f));
            case "versions":
              return ok(versions(f));
            default:
              break;
          }
        }
      }
      return error(404, "no such resource: /api/" + path);
    } catch (StatusRuntimeException e) {
      return error(e);
    }
  }

  /**
   * Answers {@code POST /api/federations/<id>/<start|pause|resume|stop>}.
   *
   * @param actor who acts, for the audit log: a dashboard session's operator, or "operator"
   */
  public Response post(String path, String actor, String peer) {
    String[] p = segments(path);
    if (p.length != 3 || !p[0].equals("federations")) {
      return error(404, "no such action: /api/" + path);
    }
    Optional<OperatorActions.Action> action = OperatorActions.Action.named(p[2]);
    if (action.isEmpty()) {
      return error(404, "unknown action '" + p[2] + "': use start, pause, resume or stop");
    }
    try {
      return ok(federation(actions.perform(action.get(), p[1], actor, peer)));
    } catch (StatusRuntimeException e) {
      return error(e);
    }
  }

  // ---- views ----------------------------------------------------------------------------------

  ArrayNode federationList() {
    ArrayNode out = JSON.arrayNode();
    federations.list().stream().sorted(Comparator.comparing(Federation::id))
        .forEach(f -> out.add(federation(f)));
    return out;
  }

  /** A federation, its settings, what an operator may do now, and its round in progress. */
  ObjectNode federation(Federation f) {
    io.cohort.proto.v1.Federation p = f.toProto();
    FederationSpec spec = p.getSpec();
    ObjectNode o = JSON.objectNode();
    o.put("id", f.id());
    o.put("state", p.getState().name());
    o.put("completedRounds", p.getCompletedRounds());
    o.put("totalRounds", spec.getRounds());
    o.put("currentRound", p.getCurrentRound());
    o.put("currentModelVersion", p.getCurrentModelVersion());
    o.put("failureReason", p.getFailureReason());
    o.put("strategy", spec.getStrategy());
    ObjectNode model = o.putObject("model");
    model.put("architecture", spec.getModel().getArchitecture());
    model.put("inputFeatures", spec.getModel().getInputFeatures());
    model.put("numClasses", spec.getModel().getNumClasses());
    spec.getModel().getHiddenLayersList().forEach(model.putArray("hiddenLayers")::add);
    o.put("minNodes", spec.getMinNodes());
    o.put("quorum", spec.getQuorum());
    o.put("fractionFit", spec.getFractionFit());
    o.put("roundTimeoutMs", spec.getRoundTimeoutMs());
    List<Node> nodes = f.nodes().snapshot();
    o.put("nodesKnown", nodes.size());
    o.put("nodesConnected", f.nodes().connected().size());
    ArrayNode allowed = o.putArray("actions");
    allowedActions(p.getState()).forEach(allowed::add);
    o.set("live", live(f));
    return o;
  }

  /**
   * What the operator may do in a state, for the dashboard's buttons. {@link Federation}'s state
   * machine stays the authority: the server refuses anything else.
   */
  static List<String> allowedActions(FederationState state) {
    return switch (state) {
      case CREATED -> List.of("start", "stop");
      case RUNNING -> List.of("pause", "stop");
      case PAUSED -> List.of("resume", "stop");
      default -> List.of();
    };
  }

  /** The round in progress: selected nodes, updates received, deadline; null when none. */
  JsonNode live(Federation f) {
    Optional<LiveRounds.Started> started = live.of(f.id());
    if (started.isEmpty() || f.isTerminal()) {
      return JSON.nullNode();
    }
    LiveRounds.Started s = started.get();
    ObjectNode o = JSON.objectNode();
    o.put("round", s.round());
    o.put("attempt", s.attempt());
    s.selected().forEach(o.putArray("selected")::add);
    o.put("startedAtMs", s.startedAtMs());
    o.put("serverTimeMs", System.currentTimeMillis());
    RoundTasks phase = federations.engine(f.id()).map(e -> e.currentPhase()).orElse(null);
    RoundTasks.Progress progress = phase == null ? null : phase.progress();
    int received = s.updatesReceived();
    if (progress == null || progress.round() != s.round()) {
      o.put("phase", "aggregating");
      o.putNull("deadlineMs");
    } else {
      boolean training = progress.kind() == io.cohort.proto.v1.TaskKind.TRAIN;
      o.put("phase", training ? "training" : "evaluating");
      o.put("deadlineMs", progress.deadlineMs());
      ObjectNode tasks = o.putObject("tasks");
      int done = 0;
      for (Map.Entry<String, TaskRecord.State> e : progress.nodes().entrySet()) {
        tasks.put(e.getKey(), e.getValue().name().toLowerCase(Locale.ROOT));
        done += e.getValue() == TaskRecord.State.DONE ? 1 : 0;
      }
      if (training) {
        received = done;
        live.trainingProgress(f.id(), s.round(), done);
      } else {
        o.put("evaluationsReceived", done);
        o.put("evaluationsExpected", progress.nodes().size());
      }
    }
    o.put("updatesReceived", received);
    o.put("updatesExpected", s.selected().size());
    return o;
  }

  /** Every node the federation knows, with status, data, device and privacy spent. */
  ArrayNode nodes(Federation f) {
    ArrayNode out = JSON.arrayNode();
    for (Node n : f.nodes().snapshot()) {
      ObjectNode o = out.addObject();
      o.put("id", n.getNodeId());
      o.put("status", n.getStatus().name());
      o.put("lastSeenMs", n.getLastSeenMs());
      o.put("trainExamples", n.getDataset().getTrainExamples());
      o.put("evalExamples", n.getDataset().getEvalExamples());
      o.put("device", n.getCapabilities().getDevice());
      o.put("roundsContributed", n.getRoundsContributed());
      o.put("differentialPrivacy", n.getCapabilities().getDifferentialPrivacy());
      o.put("epsilonSpent", n.getEpsilonSpent());
      o.put("epsilonBudget", n.getCapabilities().getEpsilonBudget());
      o.put("delta", n.getCapabilities().getDelta());
      o.put("flaggedUpdates", n.getFlaggedUpdates()); // robust aggregation
      o.put("rejectedUploads", n.getRejectedUploads());
      o.put("suspect", n.getSuspect());
      o.put("lastFlagReason", n.getLastFlagReason());
    }
    return out;
  }

  /** Finished round attempts, oldest first, with global and per-site metrics. */
  ArrayNode rounds(Federation f) {
    ArrayNode out = JSON.arrayNode();
    f.rounds().forEach(r -> out.add(round(r)));
    return out;
  }

  static ObjectNode round(RoundSummary r) {
    ObjectNode o = JSON.objectNode();
    o.put("round", r.getRound());
    o.put("attempt", r.getAttempt());
    o.put("outcome", r.getOutcome().name());
    o.put("modelVersion", r.getModelVersion());
    r.getParticipantsList().forEach(o.putArray("participants")::add);
    r.getDroppedList().forEach(o.putArray("dropped")::add);
    o.put("durationMs", r.getDurationMs());
    number(o, "trainLoss", r.getTrainLoss());
    o.set("global", r.hasGlobal() ? metrics(r.getGlobal()) : JSON.nullNode());
    ObjectNode sites = o.putObject("sites");
    r.getSitesMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sites.set(e.getKey(), metrics(e.getValue())));
    ObjectNode epsilon = o.putObject("epsilon");
    r.getEpsilonMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> epsilon.put(e.getKey(), e.getValue()));
    return o;
  }

  /** Model versions from the current one back to the initial model, newest first. */
  ArrayNode versions(Federation f) {
    ArrayNode out = JSON.arrayNode();
    String current = f.currentVersion();
    Set<String> seen = new HashSet<>();
    String v = current;
    while (v != null && seen.add(v) && seen.size() <= MAX_LINEAGE) {
      ModelVersion mv = version(f.id(), v);
      if (mv == null) {
        break;
      }
      ObjectNode o = out.addObject();
      o.put("version", mv.getVersion());
      o.put("round", mv.getRound());
      o.put("current", mv.getVersion().equals(current));
      o.put("createdAtMs", mv.getCreatedAtMs());
      o.put("strategy", mv.getStrategy());
      mv.getParentsList().forEach(o.putArray("parents")::add);
      mv.getParticipantsList().forEach(o.putArray("participants")::add);
      o.set("metrics", mv.hasMetrics() ? metrics(mv.getMetrics()) : JSON.nullNode());
      v = mv.getParentsCount() == 0 ? null : mv.getParents(0);
    }
    return out;
  }

  private ModelVersion version(String federationId, String v) {
    String key = federationId + "/" + v;
    ModelVersion cached = versions.get(key);
    if (cached != null) {
      return cached;
    }
    ModelVersion mv = federations.registry().get(federationId, v).orElse(null);
    if (mv != null && mv.hasMetrics()) {
      versions.put(key, mv); // complete: a version's metadata never changes once evaluated
    }
    return mv;
  }

  static ArrayNode auditEvents(List<AuditEvent> events) {
    ArrayNode out = JSON.arrayNode();
    events.forEach(e -> out.add(auditEvent(e)));
    return out;
  }

  static ObjectNode auditEvent(AuditEvent e) {
    ObjectNode o = JSON.objectNode();
    o.put("sequence", e.getSequence());
    o.put("atMs", e.getAtMs());
    o.put("actor", e.getActor());
    o.put("action", e.getAction());
    o.put("federationId", e.getFederationId());
    o.put("target", e.getTarget());
    o.put("peer", e.getPeer());
    o.put("outcome", e.getOutcome() == io.cohort.proto.v1.AuditOutcome.AUDIT_REFUSED
        ? "refused" : "allowed");
    o.put("detail", e.getDetail());
    return o;
  }

  private static ObjectNode metrics(Metrics m) {
    ObjectNode o = JSON.objectNode();
    number(o, "loss", m.getLoss());
    number(o, "accuracy", m.getAccuracy());
    number(o, "auc", m.getAuc());
    o.put("examples", m.getExamples());
    return o;
  }

  private static void number(ObjectNode o, String name, double value) {
    if (Double.isFinite(value)) {
      o.put(name, value);
    } else {
      o.putNull(name);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String[] segments(String path) {
    String trimmed = path.replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
  }

  private static int intParam(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw Status.INVALID_ARGUMENT.withDescription(name + " must be a whole number, got '" + v
          + "'").asRuntimeException();
    }
  }

  private static Response ok(JsonNode body) {
    return new Response(200, body);
  }

  static Response error(int status, String message) {
    ObjectNode o = JSON.objectNode();
    o.put("error", message);
    return new Response(status, o);
  }

  private static Response error(StatusRuntimeException e) {
    int http = switch (e.getStatus().getCode()) {
      case NOT_FOUND -> 404;
      case FAILED_PRECONDITION, ALREADY_EXISTS -> 409;
      case INVALID_ARGUMENT -> 400;
      default -> 500;
    };
    return error(http, e.getStatus().getDescription());
  }
}
