package io.cohort.coordinator.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class QuotasTest {

  /** A clock tests move by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-12-04T23:59:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  ManualClock clock = new ManualClock();

  @Test
  void burstIsAdmittedThenRateLimitedWithTimeToNextToken() {
    Quotas q = new Quotas(new QuotaPolicy(0.5, 2, 0), clock);

    assertThat(q.admit("k", 1)).isEmpty();
    assertThat(q.admit("k", 1)).isEmpty();
    var refused = q.admit("k", 1);

    assertThat(refused).get().extracting(Quotas.Refusal::reason).isEqualTo("rate_limit");
    assertThat(refused.get().retryAfterSeconds()).isEqualTo(2);
    clock.now = clock.now.plusSeconds(2);
    assertThat(q.admit("k", 1)).isEmpty();
  }

  @Test
  void keysHaveSeparateBuckets() {
    Quotas q = new Quotas(new QuotaPolicy(1, 1, 0), clock);
    assertThat(q.admit("a", 1)).isEmpty();
    assertThat(q.admit("b", 1)).isEmpty();
    assertThat(q.admit("a", 1)).isPresent();
  }

  @Test
  void dailyQuotaRefusesUntilUtcMidnightAndRefusalsTakeNothing() {
    Quotas q = new Quotas(new QuotaPolicy(0, 1, 10), clock);
    assertThat(q.admit("k", 8)).isEmpty();

    var refused = q.admit("k", 3);

    assertThat(refused).get().extracting(Quotas.Refusal::reason).isEqualTo("daily_quota");
    assertThat(refused.get().retryAfterSeconds()).isEqualTo(60);
    assertThat(q.predictionsToday("k")).isEqualTo(8);
    assertThat(q.admit("k", 2)).isEmpty();
    clock.now = clock.now.plusSeconds(60);
    assertThat(q.predictionsToday("k")).isZero();
    assertThat(q.admit("k", 10)).isEmpty();
  }
}
