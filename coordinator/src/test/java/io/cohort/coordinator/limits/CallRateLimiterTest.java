package io.cohort.coordinator.limits;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallRateLimiterTest {

  final AtomicLong now = new AtomicLong(1_000_000);
  // 3 at once, then 6 per minute (one per 10 s)
  final CallRateLimiter limiter = new CallRateLimiter("UploadUpdate",
      new InputLimits(128, 1024, 6, 3), now::get);

  static void assertExhausted(Runnable call) {
    assertThatThrownBy(call::run).isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> {
          Status s = ((StatusRuntimeException) e).getStatus();
          org.assertj.core.api.Assertions.assertThat(s.getCode())
              .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          org.assertj.core.api.Assertions.assertThat(s.getDescription())
              .contains("UploadUpdate rate limit").contains("node-a");
        });
  }

  @Test
  void burstThenRefusedUntilTheBucketRefills() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("node-a");
    }
    assertExhausted(() -> limiter.acquire("node-a"));

    now.addAndGet(10_000);
    assertThatCode(() -> limiter.acquire("node-a")).doesNotThrowAnyException();
    assertExhausted(() -> limiter.acquire("node-a"));
  }

  @Test
  void identitiesHaveSeparateBuckets() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("node-a");
    }
    assertThatCode(() -> limiter.acquire("node-b")).doesNotThrowAnyException();
  }

  @Test
  void theIdentityTableIsBoundedAndForgetsRefilledCallers() {
    for (int i = 0; i < CallRateLimiter.MAX_IDENTITIES; i++) {
      limiter.acquire("id-" + i);
    }
    assertThatThrownBy(() -> limiter.acquire("one-more"))
        .hasMessageContaining("too many distinct callers");

    now.addAndGet(60_000); // every bucket refilled: forgotten on demand
    assertThatCode(() -> limiter.acquire("one-more")).doesNotThrowAnyException();
  }
}
