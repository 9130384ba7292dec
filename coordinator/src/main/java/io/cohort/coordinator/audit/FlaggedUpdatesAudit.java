package io.cohort.coordinator.audit;

import io.cohort.coordinator.federation.FederationListener;
import io.cohort.proto.v1.RoundSummary;

/**
 * Writes one audit event ({@code update.flagged}, outcome refused) per node whose update a round's
 * robust strategy or norm filter left out or found outlying, so that poisoning attempts are on the
 * record next to refused uploads.
 */
public final class FlaggedUpdatesAudit implements FederationListener {

  private final AuditLog audit;

  public FlaggedUpdatesAudit(AuditLog audit) {
    this.audit = audit;
  }

  @Override
  public void roundFinished(String federationId, RoundSummary summary) {
    summary.getFlaggedMap().forEach((nodeId, why) -> audit.refused(AuditLog.event(
        "node:" + nodeId, "update.flagged", federationId, "")
        .setTarget("round " + summary.getRound()), why));
  }
}
