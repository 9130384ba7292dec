package io.cohort.coordinator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.AuditOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlaggedUpdatesAuditTest {

  @Test
  void eachFlaggedNodeOfARoundIsAuditedAsRefusedWithTheReason() {
    AuditLog audit = AuditLog.inMemory();

    new FlaggedUpdatesAudit(audit).roundFinished("heart", RoundSummary.newBuilder().setRound(4)
        .putFlagged("attacker-1", "not selected by krum: score 1e+04").build());

    List<AuditEvent> events = audit.list("heart", 0, 0);
    assertThat(events).hasSize(1);
    AuditEvent e = events.get(0);
    assertThat(e.getActor()).isEqualTo("node:attacker-1");
    assertThat(e.getAction()).isEqualTo("update.flagged");
    assertThat(e.getTarget()).isEqualTo("round 4");
    assertThat(e.getOutcome()).isEqualTo(AuditOutcome.AUDIT_REFUSED);
    assertThat(e.getDetail()).contains("not selected by krum");
  }

  @Test
  void roundsWithoutFlagsAddNothing() {
    AuditLog audit = AuditLog.inMemory();

    new FlaggedUpdatesAudit(audit).roundFinished("heart", RoundSummary.newBuilder().setRound(1)
        .build());

    assertThat(audit.list("heart", 0, 0)).isEmpty();
  }
}
