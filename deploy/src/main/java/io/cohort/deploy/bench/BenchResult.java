package io.cohort.deploy.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark configuration measured.
 *
 * @param roundMillis every round's duration, warm-up rounds first
 * @param warmupRounds how many of them were warm-up, not measured
 * @param coordinatorIoBytes and {@code coordinatorCpuSeconds}: over the measured rounds only
 */
record BenchResult(int clients, long parameters, String encoding, List<Long> roundMillis,
    int warmupRounds, long coordinatorPeakRssKib, long coordinatorIoBytes,
    long payloadBytesPerRound, double coordinatorCpuSeconds) {

  long firstRoundMillis() {
    return roundMillis.get(0);
  }

  /** The measured rounds: those after the warm-up. */
  long[] measured() {
    return roundMillis.subList(warmupRounds, roundMillis.size()).stream()
        .mapToLong(Long::longValue).toArray();
  }

  int measuredRounds() {
    return roundMillis.size() - warmupRounds;
  }

  double meanMillis() {
    return Arrays.stream(measured()).average().orElse(Double.NaN);
  }

  double medianMillis() {
    long[] w = measured();
    if (w.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(w);
    return w.length % 2 == 1 ? w[w.length / 2] : (w[w.length / 2 - 1] + w[w.length / 2]) / 2.0;
  }

  /** Mean of the warm-up rounds after the first (NaN without two warm-up rounds). */
  double warmupMeanMillis() {
    return roundMillis.subList(Math.min(1, warmupRounds), warmupRounds).stream()
        .mapToLong(Long::longValue).average().orElse(Double.NaN);
  }
}
