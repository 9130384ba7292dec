package io.cohort.coordinator.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  static final long SECOND = 1_000_000_000L;

  @Test
  void startsFullTakesTheBurstThenRefillsAtTheRate() {
    TokenBucket b = new TokenBucket(2, 0.5, 0);
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.secondsUntilToken()).isEqualTo(2);
    assertThat(b.tryTake(SECOND)).isFalse();
    assertThat(b.tryTake(2 * SECOND)).isTrue();
  }

  @Test
  void neverHoldsMoreThanTheBurstAndReportsWhenFull() {
    TokenBucket b = new TokenBucket(3, 10, 0);
    b.tryTake(0);
    assertThat(b.isFull(0)).isFalse();
    assertThat(b.isFull(3600 * SECOND)).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(b.tryTake(3600 * SECOND)).isTrue();
    }
    assertThat(b.tryTake(3600 * SECOND)).isFalse();
  }

  @Test
  void lookingTakesNothingAndTakingWithoutATokenIsAnError() {
    TokenBucket b = new TokenBucket(1, 1, 0);
    assertThat(b.hasToken(0)).isTrue();
    assertThat(b.hasToken(0)).isTrue();
    b.take();
    assertThat(b.hasToken(0)).isFalse();
    assertThatThrownBy(b::take).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aClockGoingBackwardsNeitherAddsNorRemovesTokens() {
    TokenBucket b = new TokenBucket(1, 1, 10 * SECOND);
    assertThat(b.tryTake(10 * SECOND)).isTrue();
    assertThat(b.tryTake(5 * SECOND)).isFalse();
    assertThat(b.tryTake(11 * SECOND)).isTrue();
  }

  @Test
  void aZeroRateNeverRefillsAndBadSettingsAreRefused() {
    TokenBucket b = new TokenBucket(1, 0, 0);
    assertThat(b.tryTake(0)).isTrue();
    assertThat(b.tryTake(Long.MAX_VALUE / 2)).isFalse();
    assertThat(b.secondsUntilToken()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).hasMessageContaining("burst >= 1");
    assertThatThrownBy(() -> new TokenBucket(1, Double.NaN, 0)).hasMessageContaining("rate >= 0");
  }
}
