package io.cohort.coordinator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.AuditOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir Path dir;

  @Test
  void eventsSurviveAReopenAndSequenceNumbersContinue() {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = new AuditLog(file)) {
      log.allowed(AuditLog.event("operator", "federation.start", "f", "grpc 127.0.0.1:1"));
      log.refused(AuditLog.event("operator", "federation.pause", "f", "grpc 127.0.0.1:1"),
          "FAILED_PRECONDITION: federation f is STOPPED");
    }
    try (AuditLog log = new AuditLog(file)) {
      AuditEvent third = log.allowed(AuditLog.event("operator", "federation.stop", "g", "x"));
      assertThat(third.getSequence()).isEqualTo(3);
      assertThat(log.list("", 0, 0)).extracting(AuditEvent::getAction)
          .containsExactly("federation.start", "federation.pause", "federation.stop");
      AuditEvent refused = log.list("f", 0, 0).get(1);
      assertThat(refused.getOutcome()).isEqualTo(AuditOutcome.AUDIT_REFUSED);
      assertThat(refused.getDetail()).contains("STOPPED");
      assertThat(refused.getPeer()).isEqualTo("grpc 127.0.0.1:1");
      assertThat(refused.getAtMs()).isPositive();
    }
  }

  @Test
  void aTornLastLineIsDroppedAndTheLogStaysAppendable() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = new AuditLog(file)) {
      log.allowed(AuditLog.event("operator", "federation.start", "f", "p"));
    }
    Files.writeString(file, "{\"sequence\":\"2\",\"act", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (AuditLog log = new AuditLog(file)) {
      assertThat(log.list("", 0, 0)).hasSize(1);
      assertThat(log.allowed(AuditLog.event("operator", "federation.pause", "f", "p"))
          .getSequence()).isEqualTo(2);
    }
    assertThat(Files.readAllLines(file)).hasSize(2);
  }

  @Test
  void listFiltersByFederationKeepsTheNewestAndFollowsFromASequence() {
    AuditLog log = AuditLog.inMemory();
    for (int i = 0; i < 10; i++) {
      log.allowed(AuditLog.event("operator", "federation.start", i % 2 == 0 ? "even" : "odd",
          "p"));
    }
    assertThat(log.list("even", 2, 0)).extracting(AuditEvent::getSequence)
        .containsExactly(7L, 9L);
    assertThat(log.list(null, 0, 8)).extracting(AuditEvent::getSequence)
        .containsExactly(9L, 10L);
    assertThat(log.list("", 5000, 0)).hasSize(10);
  }
}
