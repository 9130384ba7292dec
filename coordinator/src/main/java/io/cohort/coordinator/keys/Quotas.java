package io.cohort.coordinator.keys;

import io.cohort.coordinator.limits.TokenBucket;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admission of requests per API key under a {@link QuotaPolicy}: a token bucket for the rate and
 * a counter of predictions per UTC day. A refused request takes nothing from either. Counters
 * live in memory (a restart starts the day's count again; billing still bills every
 * prediction). Thread-safe: each key's state is updated under its own lock.
 */
public final class Quotas {

  /** Why a request was refused and when to retry (whole seconds, at least 1). */
  public record Refusal(String reason, long retryAfterSeconds, String message) {}

  private final QuotaPolicy policy;
  private final Clock clock;
  private final Map<String, KeyState> keys = new ConcurrentHashMap<>();

  public Quotas(QuotaPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  public QuotaPolicy policy() {
    return policy;
  }

  /** Admits {@code predictions} for the key, or says why not. */
  public Optional<Refusal> admit(String keyId, long predictions) {
    KeyState state = keys.computeIfAbsent(keyId, k -> new KeyState(policy, nowNanos()));
    synchronized (state) {
      long now = nowNanos();
      LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      if (!today.equals(state.day)) {
        state.day = today;
        state.predictionsToday = 0;
      }
      if (state.rate != null && !state.rate.hasToken(now)) {
        return Optional.of(new Refusal("rate_limit", state.rate.secondsUntilToken(),
            "rate limit of " + policy.requestsPerSecond() + " requests/s (burst "
                + policy.burst() + ") exceeded"));
      }
      if (policy.dailyPredictions() > 0
          && state.predictionsToday + predictions > policy.dailyPredictions()) {
        long untilMidnight = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond()
            - clock.instant().getEpochSecond();
        return Optional.of(new Refusal("daily_quota", Math.max(1, untilMidnight),
            "daily quota of " + policy.dailyPredictions() + " predictions exceeded ("
                + state.predictionsToday + " used today, request has " + predictions + ")"));
      }
      if (state.rate != null) {
        state.rate.take();
      }
      state.predictionsToday += predictions;
      return Optional.empty();
    }
  }

  /** Predictions admitted today for the key. */
  public long predictionsToday(String keyId) {
    KeyState state = keys.get(keyId);
    if (state == null) {
      return 0;
    }
    synchronized (state) {
      return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).equals(state.day)
          ? state.predictionsToday : 0;
    }
  }

  private long nowNanos() {
    java.time.Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static final class KeyState {
    /** Null when the policy sets no rate limit. */
    final TokenBucket rate;
    LocalDate day;
    long predictionsToday;

    KeyState(QuotaPolicy policy, long nowNanos) {
      this.rate = policy.requestsPerSecond() > 0
          ? new TokenBucket(policy.burst(), policy.requestsPerSecond(), nowNanos) : null;
    }
  }
}
