package io.cohort.coordinator.session;

import io.cohort.proto.v1.Node;

/**
 * How often a node's updates were flagged by robust aggregation (left out, outlying) or refused
 * for their content. One bad update can be an accident; {@link #SUSPECT_AFTER} of them mark the
 * node as suspect for operators (it keeps participating: excluding members is their decision).
 */
public final class NodeSuspicion {

  /** Flags plus content refusals that make a node suspect. */
  public static final int SUSPECT_AFTER = 3;

  private int flaggedUpdates;
  private int rejectedUploads;
  private String lastReason = "";

  /** An update of this node was left out or found outlying by the round's strategy. */
  public synchronized void updateFlagged(String why) {
    flaggedUpdates++;
    lastReason = why;
  }

  /** An upload of this node for its own task was refused for its content. */
  public synchronized void uploadRejected(String why) {
    rejectedUploads++;
    lastReason = why;
  }

  public synchronized boolean suspect() {
    return flaggedUpdates + rejectedUploads >= SUSPECT_AFTER;
  }

  /** The operator-facing fields of {@link Node}. */
  synchronized Node toProto() {
    return Node.newBuilder().setFlaggedUpdates(flaggedUpdates).setRejectedUploads(rejectedUploads)
        .setSuspect(suspect()).setLastFlagReason(lastReason).build();
  }
}
