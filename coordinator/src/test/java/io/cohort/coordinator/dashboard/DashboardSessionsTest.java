package io.cohort.coordinator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DashboardSessionsTest {

  final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  final DashboardSessions sessions = new DashboardSessions(Duration.ofHours(12), now::get);

  @Test
  void tokenActsAsItsOperatorUntilItExpires() throws Exception {
    DashboardSessions.Session s = sessions.create("operator:alice");

    assertThat(s.expiresAt()).isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
    assertThat(sessions.authenticate(s.token())).isEqualTo("operator:alice");
    now.set(Instant.parse("2026-01-01T11:59:59Z"));
    assertThat(sessions.authenticate(s.token())).isEqualTo("operator:alice");
    now.set(s.expiresAt());
    assertThatThrownBy(() -> sessions.authenticate(s.token()))
        .isInstanceOf(DashboardSessions.Refused.class).hasMessageContaining("expired");
  }

  @Test
  void tokensAreRandomAndOthersAreRefused() throws Exception {
    DashboardSessions.Session a = sessions.create("operator:alice");
    DashboardSessions.Session b = sessions.create("operator:bob");

    assertThat(a.token()).isNotEqualTo(b.token()).hasSize(43);
    assertThat(sessions.authenticate(b.token())).isEqualTo("operator:bob");
    assertThatThrownBy(() -> sessions.authenticate(a.token() + "x"))
        .hasMessageContaining("unknown dashboard token");
    assertThatThrownBy(() -> sessions.authenticate(null))
        .hasMessageContaining("no dashboard token");
  }
}
