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
  private final double perMs;
  private final int burst;
  private final LongSupplier clockMs;
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    double tokens;
    long atMs;
  }

  public CallRateLimiter(String callKind, InputLimits limits) {
    this(callKind, limits, System::currentTimeMillis);
  }

  CallRateLimiter(String callKind, InputLimits limits, LongSupplier clockMs) {
    this.callKind = callKind;
    this.perMs = limits.callsPerMinute() / 60_000.0;
    this.burst = limits.burst();
    this.clockMs = clockMs;
  }

  /**
   * Takes one call from the identity's bucket.
   *
   * @throws StatusRuntimeException RESOURCE_EXHAUSTED naming the identity and the rate when the
   *     bucket is empty (or the identity table is full)
   */
  public synchronized void acquire(String identity) {
    long now = clockMs.getAsLong();
    Bucket b = buckets.get(identity);
    if (b == null) {
      if (buckets.size() >= MAX_IDENTITIES) {
        buckets.values().removeIf(x -> refill(x, now) >= burst);
      }
      if (buckets.size() >= MAX_IDENTITIES) {
        throw Status.RESOURCE_EXHAUSTED.withDescription("too many distinct callers of "
            + callKind + " right now; retry later").asRuntimeException();
      }
      b = new Bucket();
      b.tokens = burst;
      b.atMs = now;
      buckets.put(identity, b);
    }
    b.tokens = refill(b, now);
    b.atMs = now;
    if (b.tokens < 1) {
      throw Status.RESOURCE_EXHAUSTED.withDescription(callKind + " rate limit of "
          + burst + " at once and " + (perMs * 60_000) + " per minute exceeded by " + identity
          + "; retry later").asRuntimeException();
    }
    b.tokens -= 1;
  }

  private double refill(Bucket b, long now) {
    return Math.min(burst, b.tokens + (now - b.atMs) * perMs);
  }
}
