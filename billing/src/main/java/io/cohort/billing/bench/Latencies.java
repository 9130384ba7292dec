package io.cohort.billing.bench;

import java.util.Arrays;

/** Latency samples in ms; percentiles by the nearest-rank method. Not thread-safe. */
final class Latencies {

  private long[] samples = new long[1 << 16];
  private int size;

  void add(long ms) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = ms;
  }

  int size() {
    return size;
  }

  /** The p-th percentile (0 < p <= 100), or -1 without samples. */
  long percentile(double p) {
    if (size == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size, rank) - 1)];
  }
}
