package io.cohort.billing.period;

import io.cohort.proto.v1.BillingPeriod;
import java.time.Instant;

/**
 * A billing period: event times in [startMs, endMs). Its id is the start as an ISO-8601 UTC
 * instant, so ids sort in time order.
 */
public record Period(long startMs, long endMs) {

  public Period {
    if (endMs <= startMs) {
      throw new IllegalArgumentException("empty period [" + startMs + ", " + endMs + ")");
    }
  }

  /** The id, e.g. {@code 2026-11-01T00:00:00Z}. */
  public String id() {
    return Instant.ofEpochMilli(startMs).toString();
  }

  public boolean contains(long timeMs) {
    return timeMs >= startMs && timeMs < endMs;
  }

  /** The wire form, with whether the period is closed. */
  public BillingPeriod toProto(boolean closed) {
    return BillingPeriod.newBuilder().setPeriodId(id()).setStartMs(startMs).setEndMs(endMs)
        .setClosed(closed).build();
  }
}
