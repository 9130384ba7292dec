package io.cohort.coordinator.security;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.model.identity.Identity;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.DownloadModelRequest;
import io.cohort.proto.v1.UpdateChunk;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Binds the node ids in a node's messages to its certificate: a hello, a download request and an
 * upload header must name the calling node itself. A message naming another node ends the call
 * with PERMISSION_DENIED before the service sees it (nothing changes), and is audited. With the
 * claimed id pinned, the services' own checks (task assigned to that node, version assigned to
 * that task) mean a node only opens its own session, fetches what it was assigned and uploads
 * for its own tasks.
 */
final class NodeClaims<Q>
    extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

  private final ServerCall<Q, ?> call;
  private final Identity node;
  private final String peer;
  private final AuditLog audit;
  private boolean refused;

  NodeClaims(ServerCall.Listener<Q> delegate, ServerCall<Q, ?> call, Identity node, String peer,
      AuditLog audit) {
    super(delegate);
    this.call = call;
    this.node = node;
    this.peer = peer;
    this.audit = audit;
  }

  @Override
  public void onMessage(Q message) {
    if (refused) {
      return;
    }
    Claim claim = claimOf(message);
    if (claim != null && !claim.nodeId().equals(node.id())) {
      refused = true;
      Status status = Status.PERMISSION_DENIED.withDescription(claim.field() + " '"
          + claim.nodeId() + "' is not the caller: the certificate identifies " + node);
      audit.refused(AuditLog.event(node.toString(), "rpc.refused", claim.federationId(), peer)
          .setTarget(call.getMethodDescriptor().getFullMethodName()),
          status.getCode() + ": " + status.getDescription());
      call.close(status, new Metadata());
      return;
    }
    super.onMessage(message);
  }

  @Override
  public void onHalfClose() {
    if (!refused) {
      super.onHalfClose();
    }
  }

  private record Claim(String field, String nodeId, String federationId) {
  }

  private static Claim claimOf(Object message) {
    if (message instanceof ClientMessage m && m.hasHello()) {
      return new Claim("hello.node_id", m.getHello().getNodeId(),
          m.getHello().getFederationId());
    }
    if (message instanceof DownloadModelRequest r) {
      return new Claim("node_id", r.getNodeId(), "");
    }
    if (message instanceof UpdateChunk c && c.hasHeader()) {
      return new Claim("header.node_id", c.getHeader().getNodeId(), "");
    }
    return null;
  }
}
