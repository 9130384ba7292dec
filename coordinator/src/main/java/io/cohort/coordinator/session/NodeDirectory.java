package io.cohort.coordinator.session;

import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.NodeStatus;
import io.cohort.proto.v1.ServerMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes of one federation. A node id has at most one open session; connection changes wake
 * whoever waits for nodes (the round engine's selection).
 */
public final class NodeDirectory {

  private final Map<String, NodeSession> nodes = new ConcurrentHashMap<>();
  private final Object changed = new Object();

  /**
   * Opens a session for a node.
   *
   * @throws io.grpc.StatusRuntimeException ALREADY_EXISTS if the node already has an open session
   */
  public NodeSession open(String nodeId, StreamObserver<ServerMessage> outbound,
      DatasetSummary dataset, Capabilities capabilities) {
    NodeSession node = nodes.computeIfAbsent(nodeId, NodeSession::new);
    synchronized (node) {
      if (node.isConnected()) {
        throw Status.ALREADY_EXISTS.withDescription("node id '" + nodeId
            + "' already has an open session; each node needs its own id").asRuntimeException();
      }
      node.open(UUID.randomUUID().toString(), outbound, dataset, capabilities);
    }
    signal();
    return node;
  }

  /** Marks a session closed (if it is still the node's current one). */
  public void close(NodeSession node, String sessionId) {
    if (node.closeIf(sessionId)) {
      signal();
    }
  }

  public Optional<NodeSession> get(String nodeId) {
    return Optional.ofNullable(nodes.get(nodeId));
  }

  /** Connected nodes that can take training tasks (not budget-exhausted), by id. */
  public List<NodeSession> available() {
    List<NodeSession> out = new ArrayList<>();
    for (NodeSession n : nodes.values()) {
      if (n.isConnected() && n.status() != NodeStatus.BUDGET_EXHAUSTED) {
        out.add(n);
      }
    }
    out.sort(Comparator.comparing(NodeSession::nodeId));
    return out;
  }

  public List<NodeSession> connected() {
    List<NodeSession> out = new ArrayList<>();
    for (NodeSession n : nodes.values()) {
      if (n.isConnected()) {
        out.add(n);
      }
    }
    out.sort(Comparator.comparing(NodeSession::nodeId));
    return out;
  }

  public List<Node> snapshot() {
    return nodes.values().stream().sorted(Comparator.comparing(NodeSession::nodeId))
        .map(NodeSession::toProto).toList();
  }

  /** Waits until at least {@code count} nodes are available, or the deadline passes. */
  public boolean awaitAvailable(int count, long deadlineMs) throws InterruptedException {
    synchronized (changed) {
      while (available().size() < count) {
        long left = deadlineMs - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        changed.wait(Math.min(left, 500));
      }
      return true;
    }
  }

  /** Closes sessions silent for longer than {@code timeoutMs}. */
  public void expireSilent(long timeoutMs) {
    long now = System.currentTimeMillis();
    for (NodeSession n : nodes.values()) {
      if (n.isConnected() && now - n.lastSeenMs() > timeoutMs) {
        n.terminate(Status.DEADLINE_EXCEEDED.withDescription("no heartbeat for " + timeoutMs
            + " ms").asRuntimeException());
        signal();
      }
    }
  }

  public void broadcast(ServerMessage message) {
    for (NodeSession n : connected()) {
      n.send(message);
    }
  }

  private void signal() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }
}
