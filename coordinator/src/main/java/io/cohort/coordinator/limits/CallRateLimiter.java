package io.cohort.coordinator.limits;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets per caller identity for one kind of call: {@code burst} calls at once, refilled
 * at {@code callsPerMinute}. The table of identities is bounded: when full, identities whose
 * bucket has refilled are forgotten; if none has, new identities are refused.
 */
public final class CallRateLimiter {

  /** Identities tracked at most. */
  static final int MAX_IDENTITIES = 10_000;

  private final String callKind;
  private final InputLimits limits;
  private final LongSupplier clockMs;
  private final Map<String, TokenBucket> buckets = new HashMap<>();

  public CallRateLimiter(String callKind, InputLimits limits) {
    this(callKind, limits, System::currentTimeMillis);
  }

  CallRateLimiter(String callKind, InputLimits limits, LongSupplier clockMs) {
    this.callKind = callKind;
    this.limits = limits;
    this.clockMs = clockMs;
  }

  /**
   * Takes one call from the identity's bucket.
   *
   * @throws StatusRuntimeException RESOURCE_EXHAUSTED naming the identity and the rate when the
   *     bucket is empty (or the identity table is full)
   */
  public synchronized void acquire(String identity) {
    long now = clockMs.getAsLong() * 1_000_000L;
    TokenBucket b = buckets.get(identity);
    if (b == null) {
      if (buckets.size() >= MAX_IDENTITIES) {
        buckets.values().removeIf(x -> x.isFull(now));
      }
      if (buckets.size() >= MAX_IDENTITIES) {
        throw Status.RESOURCE_EXHAUSTED.withDescription("too many distinct callers of "
            + callKind + " right now; retry later").asRuntimeException();
      }
      b = new TokenBucket(limits.burst(), limits.callsPerMinute() / 60.0, now);
      buckets.put(identity, b);
    }
    if (!b.tryTake(now)) {
      throw Status.RESOURCE_EXHAUSTED.withDescription(callKind + " rate limit of "
          + limits.burst() + " at once and " + limits.callsPerMinute()
          + " per minute exceeded by " + identity + "; retry later").asRuntimeException();
    }
  }
}
