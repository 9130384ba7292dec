package io.cohort.coordinator.session;

import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.NodeStatus;
import io.cohort.proto.v1.ServerMessage;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One node as the coordinator knows it: its open session (if any) and what it reported. */
public final class NodeSession {

  private static final Logger log = LoggerFactory.getLogger(NodeSession.class);

  private final String nodeId;
  private StreamObserver<ServerMessage> outbound;
  private String sessionId;
  private DatasetSummary dataset = DatasetSummary.getDefaultInstance();
  private Capabilities capabilities = Capabilities.getDefaultInstance();
  private NodeStatus status = NodeStatus.DISCONNECTED;
  private long lastSeenMs;
  private int roundsContributed;
  private double epsilonSpent;
  private final NodeSuspicion suspicion = new NodeSuspicion();

  NodeSession(String nodeId) {
    this.nodeId = nodeId;
  }

  public String nodeId() {
    return nodeId;
  }

  synchronized void open(String sessionId, StreamObserver<ServerMessage> outbound,
      DatasetSummary dataset, Capabilities capabilities) {
    this.sessionId = sessionId;
    this.outbound = outbound;
    this.dataset = dataset;
    this.capabilities = capabilities;
    this.status = NodeStatus.CONNECTED;
    touch();
  }

  synchronized boolean isConnected() {
    return outbound != null;
  }

  synchronized String sessionId() {
    return sessionId;
  }

  /** Closes the session if it is the given one; returns whether it was. */
  synchronized boolean closeIf(String session) {
    if (outbound == null || !session.equals(sessionId)) {
      return false;
    }
    outbound = null;
    status = NodeStatus.DISCONNECTED;
    return true;
  }

  /** Sends a message; a failed send closes the session. Returns whether it was sent. */
  public synchronized boolean send(ServerMessage message) {
    if (outbound == null) {
      return false;
    }
    try {
      outbound.onNext(message);
      return true;
    } catch (RuntimeException e) {
      log.info("node={} session={} send failed, closing: {}", nodeId, sessionId, e.toString());
      outbound = null;
      status = NodeStatus.DISCONNECTED;
      return false;
    }
  }

  /** Ends the session from the coordinator's side with an error status. */
  public synchronized void terminate(Throwable status) {
    if (outbound != null) {
      try {
        outbound.onError(status);
      } catch (RuntimeException ignored) {
        // the stream is already gone
      }
      outbound = null;
      this.status = NodeStatus.DISCONNECTED;
    }
  }

  public synchronized void touch() {
    lastSeenMs = System.currentTimeMillis();
  }

  public synchronized long lastSeenMs() {
    return lastSeenMs;
  }

  public synchronized void setStatus(NodeStatus status) {
    if (outbound != null || status == NodeStatus.DISCONNECTED) {
      this.status = status;
    }
  }

  /** Sets {@code next} only if the status is still {@code expected}; says whether it did. */
  public synchronized boolean setStatusIf(NodeStatus expected, NodeStatus next) {
    if (status != expected) {
      return false;
    }
    setStatus(next);
    return status == next;
  }

  public synchronized NodeStatus status() {
    return status;
  }

  public synchronized void contributed(double epsilon) {
    roundsContributed++;
    epsilonSpent = Math.max(epsilonSpent, epsilon);
  }

  public synchronized void reportEpsilon(double epsilon) {
    epsilonSpent = Math.max(epsilonSpent, epsilon);
  }

  /** What this node's updates looked like to robust aggregation and upload validation. */
  public NodeSuspicion suspicion() {
    return suspicion;
  }

  public synchronized DatasetSummary dataset() {
    return dataset;
  }

  public synchronized Node toProto() {
    return Node.newBuilder().setNodeId(nodeId).setStatus(status).setLastSeenMs(lastSeenMs)
        .setDataset(dataset).setCapabilities(capabilities)
        .setRoundsContributed(roundsContributed).setEpsilonSpent(epsilonSpent)
        .mergeFrom(suspicion.toProto()).build();
  }
}
