package io.cohort.coordinator.limits;

/**
 * One token bucket: holds at most {@code burst} tokens, refilled continuously at {@code
 * perSecond} (0: never refilled). Time is passed in (nanoseconds on any monotonic or wall clock
 * the caller keeps), so tests drive it with a fake clock. Not thread-safe: the owner guards it.
 */
public final class TokenBucket {

  private final int burst;
  private final double perNano;
  private double tokens;
  private long atNanos;

  /** A full bucket at {@code nowNanos}. */
  public TokenBucket(int burst, double perSecond, long nowNanos) {
    if (burst < 1 || !(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("a token bucket needs burst >= 1 and a finite rate >= 0,"
          + " got " + burst + " and " + perSecond);
    }
    this.burst = burst;
    this.perNano = perSecond / 1e9;
    this.tokens = burst;
    this.atNanos = nowNanos;
  }

  /** Takes one token if one is there at {@code nowNanos}; a refusal takes nothing. */
  public boolean tryTake(long nowNanos) {
    if (!hasToken(nowNanos)) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Whether a token is there at {@code nowNanos}, without taking it. */
  public boolean hasToken(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1;
  }

  /** Takes one token that {@link #hasToken} just found. */
  public void take() {
    if (tokens < 1) {
      throw new IllegalStateException("no token to take");
    }
    tokens -= 1;
  }

  /** Whether the bucket has refilled completely by {@code nowNanos} (so forgetting it is free). */
  public boolean isFull(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst;
  }

  /**
   * Whole seconds until the next token as of the last refill, at least 1 (a bucket that is never
   * refilled answers {@code Long.MAX_VALUE}).
   */
  public long secondsUntilToken() {
    if (perNano == 0) {
      return Long.MAX_VALUE;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / (perNano * 1e9)));
  }

  private void refill(long nowNanos) {
    if (nowNanos > atNanos) {
      tokens = Math.min(burst, tokens + (nowNanos - atNanos) * perNano);
      atNanos = nowNanos;
    }
  }
}
