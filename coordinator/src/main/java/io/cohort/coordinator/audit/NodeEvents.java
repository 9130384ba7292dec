package io.cohort.coordinator.audit;

import io.cohort.coordinator.metrics.CoordinatorMetrics;
import io.grpc.Status;

/**
 * What nodes do that operators must be able to see: verified and refused uploads, refused
 * sessions. Counted in the metrics; refusals also go to the audit log with the peer's address.
 * The transfer and session code calls this at the marked points.
 */
public final class NodeEvents {

  private final AuditLog audit;
  private final CoordinatorMetrics metrics;

  public NodeEvents(AuditLog audit, CoordinatorMetrics metrics) {
    this.audit = audit;
    this.metrics = metrics;
  }

  /** Events that go nowhere but memory (tests and tools that construct services directly). */
  public static NodeEvents unobserved() {
    return new NodeEvents(AuditLog.inMemory(), CoordinatorMetrics.disabled());
  }

  public void updateReceived(String federationId, boolean duplicate) {
    metrics.updateReceived(federationId, duplicate);
  }

  /** An upload refused with {@code status}; ids may be empty when the header never arrived. */
  public void uploadRejected(String federationId, String nodeId, String taskId, Status status) {
    metrics.updateRejected(federationId, status.getCode().name());
    audit.refused(AuditLog.event(actor(nodeId), "upload.rejected", federationId,
        PeerAddress.current()).setTarget(taskId == null ? "" : taskId), describe(status));
  }

  /** An evaluation report refused as inconsistent (its task fails; the round goes on). */
  public void evaluationRejected(String federationId, String nodeId, String taskId,
      String problem) {
    audit.refused(AuditLog.event(actor(nodeId), "evaluation.rejected", federationId,
        PeerAddress.current()).setTarget(taskId), problem);
  }

  /** A session refused at hello, or ended by the coordinator for a protocol violation. */
  public void sessionRefused(String federationId, String nodeId, Status status) {
    metrics.sessionRefused(federationId, status.getCode().name());
    audit.refused(AuditLog.event(actor(nodeId), "session.refused", federationId,
        PeerAddress.current()).setTarget(nodeId == null ? "" : nodeId), describe(status));
  }

  private static String actor(String nodeId) {
    return "node:" + (nodeId == null || nodeId.isEmpty() ? "unknown" : nodeId);
  }

  private static String describe(Status status) {
    return status.getCode() + ": " + status.getDescription();
  }
}
