package io.cohort.coordinator.session;

import io.cohort.coordinator.audit.NodeEvents;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationSpecs;
import io.cohort.coordinator.federation.Federations;

import io.cohort.coordinator.round.EvaluationChecks;
import io.cohort.coordinator.round.TaskBoard;
import io.cohort.coordinator.round.TaskRecord;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.coordinator.limits.InputLimits;
import io.cohort.proto.v1.Hello;
import io.cohort.proto.v1.NodeStatus;
import io.cohort.proto.v1.ServerMessage;
import io.cohort.proto.v1.TaskKind;
import io.cohort.proto.v1.TaskResponse;
import io.cohort.proto.v1.Welcome;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One node's control stream: hello, then heartbeats, task responses and evaluation results. */
public final class SessionHandler implements StreamObserver<ClientMessage> {

  /** Largest hello accepted; a real one is a few hundred bytes. */
  static final int MAX_HELLO_BYTES = 4 << 10;
  /** Most encodings a client may list (there are two). */
  static final int MAX_ENCODINGS = 8;

  private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
  public static final String BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED";

  private final Federations federations;
  private final StreamObserver<ServerMessage> outbound;
  private final long heartbeatIntervalMs;
  private final NodeEvents events;
  private String claimedNodeId = "";
  private Federation federation;
  private NodeSession node;
  private String sessionId;
  private boolean ended;

  public SessionHandler(Federations federations, StreamObserver<ServerMessage> outbound,
      long heartbeatIntervalMs) {
    this(federations, outbound, heartbeatIntervalMs, NodeEvents.unobserved());
  }

  /** As above, reporting refused sessions to {@code events}. */
  public SessionHandler(Federations federations, StreamObserver<ServerMessage> outbound,
      long heartbeatIntervalMs, NodeEvents events) {
    this.federations = federations;
    this.outbound = outbound;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.events = events;
  }

  @Override
  public synchronized void onNext(ClientMessage message) {
    if (ended) {
      return;
    }
    try {
      if (node == null) {
        if (!message.hasHello()) {
          throw Status.INVALID_ARGUMENT.withDescription("the first session message must be a"
              + " hello").asRuntimeException();
        }
        hello(message.getHello());
        return;
      }
      node.touch();
      switch (message.getKindCase()) {
        case HEARTBEAT, PROGRESS -> { }
        case TASK_RESPONSE -> taskResponse(message.getTaskResponse());
        case EVALUATION -> evaluation(message.getEvaluation());
        case HELLO -> throw Status.INVALID_ARGUMENT.withDescription("hello sent twice")
            .asRuntimeException();
        default -> throw Status.INVALID_ARGUMENT.withDescription("empty session message")
            .asRuntimeException();
      }
    } catch (StatusRuntimeException e) {
      end(e);
    }
  }

  /** A hello is small: its strings are ids and a device name; anything longer is refused. */
  static void checkBounds(Hello hello) {
    if (hello.getSerializedSize() > MAX_HELLO_BYTES) {
      throw Status.INVALID_ARGUMENT.withDescription("hello is " + hello.getSerializedSize()
          + " bytes, more than the limit of " + MAX_HELLO_BYTES).asRuntimeException();
    }
    InputLimits.DEFAULTS.checkId("hello.federation_id", hello.getFederationId());
    InputLimits.DEFAULTS.checkId("hello.node_id", hello.getNodeId());
    InputLimits.DEFAULTS.checkId("hello.dataset.schema_fingerprint",
        hello.getDataset().getSchemaFingerprint());
    InputLimits.DEFAULTS.checkId("hello.capabilities.device", hello.getCapabilities().getDevice());
    if (hello.getCapabilities().getEncodingsCount() > MAX_ENCODINGS) {
      throw Status.INVALID_ARGUMENT.withDescription("hello.capabilities.encodings lists "
          + hello.getCapabilities().getEncodingsCount() + " entries, more than the limit of "
          + MAX_ENCODINGS).asRuntimeException();
    }
  }

  private void hello(Hello hello) {
    checkBounds(hello);
    claimedNodeId = hello.getNodeId(); // audit
    federation = federations.get(hello.getFederationId()).orElseThrow(() -> Status.NOT_FOUND
        .withDescription("unknown federation '" + hello.getFederationId() + "'")
        .asRuntimeException());
    if (!FederationSpecs.ID.matcher(hello.getNodeId()).matches()) {
      throw Status.INVALID_ARGUMENT.withDescription("node_id must match [a-z0-9_-]{1,64}, got '"
          + hello.getNodeId() + "'").asRuntimeException();
    }
    if (federation.isTerminal()) {
      throw Status.FAILED_PRECONDITION.withDescription("federation " + federation.id() + " is "
          + federation.state() + " and takes no nodes").asRuntimeException();
    }
    String expected = federation.spec().getSchemaFingerprint();
    if (!expected.equals(hello.getDataset().getSchemaFingerprint())) {
      throw Status.FAILED_PRECONDITION.withDescription("node " + hello.getNodeId()
          + " has schema fingerprint " + hello.getDataset().getSchemaFingerprint()
          + " but federation " + federation.id() + " expects " + expected
          + ": use the federation's schema file").asRuntimeException();
    }
    int inputs = federation.spec().getModel().getInputFeatures();
    if (hello.getDataset().getInputFeatures() != inputs) {
      throw Status.FAILED_PRECONDITION.withDescription("node " + hello.getNodeId() + " has "
          + hello.getDataset().getInputFeatures() + " input features, the model takes " + inputs)
          .asRuntimeException();
    }
    if (hello.getDataset().getTrainExamples() <= 0) {
      throw Status.INVALID_ARGUMENT.withDescription("node " + hello.getNodeId()
          + " reports no training examples").asRuntimeException();
    }
    node = federation.nodes().open(hello.getNodeId(), outbound, hello.getDataset(),
        hello.getCapabilities());
    sessionId = node.sessionId();
    node.send(ServerMessage.newBuilder().setWelcome(Welcome.newBuilder().setSessionId(sessionId)
        .setHeartbeatIntervalMs(heartbeatIntervalMs).setModel(federation.spec().getModel()))
        .build());
    log.info("federation={} node={} session={} connected train_examples={} device={}",
        federation.id(), node.nodeId(), sessionId, hello.getDataset().getTrainExamples(),
        hello.getCapabilities().getDevice());
  }

  private Optional<TaskBoard.Entry> ownTask(String taskId) {
    Optional<TaskBoard.Entry> e = federations.tasks().find(taskId);
    if (e.isPresent() && !e.get().task().nodeId().equals(node.nodeId())) {
      throw Status.PERMISSION_DENIED.withDescription("task " + taskId
          + " is not assigned to node " + node.nodeId()).asRuntimeException();
    }
    return e;
  }

  private void taskResponse(TaskResponse r) {
    Optional<TaskBoard.Entry> e = ownTask(r.getTaskId());
    if (e.isEmpty() || r.getAccepted()) {
      return;
    }
    if (BUDGET_EXHAUSTED.equals(r.getDeclineCode())) {
      node.setStatus(NodeStatus.BUDGET_EXHAUSTED); // before the engine wakes up to the decline
    }
    e.get().phase().resolveUnsuccessfully(e.get().task(), TaskRecord.State.DECLINED,
        r.getDeclineCode(), r.getDeclineMessage());
    log.info("federation={} node={} task={} declined code={} reason=\"{}\"", federation.id(),
        node.nodeId(), r.getTaskId(), r.getDeclineCode(), r.getDeclineMessage());
  }

  private void evaluation(EvaluationResult result) {
    Optional<TaskBoard.Entry> e = ownTask(result.getTaskId());
    if (e.isEmpty() || e.get().task().kind() != TaskKind.EVALUATE) {
      log.info("federation={} node={} evaluation for unknown task {} ignored", federation.id(),
          node.nodeId(), result.getTaskId());
      return;
    }
    String problem = EvaluationChecks.problem(result);
    if (problem != null) {
      // The task fails, the round goes on without this node's metrics (a closed or answered
      // task is left as it is, like any late result).
      if (e.get().phase().resolveUnsuccessfully(e.get().task(), TaskRecord.State.FAILED, "",
          "evaluation refused: " + problem)) {
        events.evaluationRejected(federation.id(), node.nodeId(), result.getTaskId(), problem);
        log.warn("federation={} node={} task={} evaluation refused: {}", federation.id(),
            node.nodeId(), result.getTaskId(), problem);
      }
      return;
    }
    e.get().phase().acceptEvaluation(e.get().task(), result);
  }

  private void end(StatusRuntimeException e) {
    log.info("session refused or ended node={}: {} {}", node == null ? "-" : node.nodeId(),
        e.getStatus().getCode(), e.getStatus().getDescription());
    events.sessionRefused(federation == null ? "" : federation.id(), claimedNodeId, // audit
        e.getStatus());
    closeNode();
    ended = true;
    try {
      outbound.onError(e);
    } catch (RuntimeException ignored) {
      // already closed
    }
  }

  private void closeNode() {
    if (node != null) {
      federation.nodes().close(node, sessionId);
      federations.engine(federation.id()).ifPresent(en -> en.nodeDisconnected(node.nodeId()));
      log.info("federation={} node={} session={} disconnected", federation.id(), node.nodeId(),
          sessionId);
    }
  }

  @Override
  public synchronized void onError(Throwable t) {
    if (!ended) {
      ended = true;
      closeNode();
    }
  }

  @Override
  public synchronized void onCompleted() {
    if (!ended) {
      ended = true;
      closeNode();
      try {
        outbound.onCompleted();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
  }

}
