package io.cohort.deploy.bench;

import java.util.Arrays;
import java.util.List;

/** What one benchmark configuration measured. */
record BenchResult(int clients, long parameters, String encoding, List<Long> roundMillis,
    long coordinatorPeakRssKib, long coordinatorIoBytes, long payloadBytesPerRound,
    double coordinatorCpuSeconds) {

  long firstRoundMillis() {
    return roundMillis.get(0);
  }

  /** Rounds after the first (the JIT and buffers are warm). */
  long[] warm() {
    return roundMillis.subList(1, roundMillis.size()).stream().mapToLong(Long::longValue)
        .toArray();
  }

  double warmMeanMillis() {
    return Arrays.stream(warm()).average().orElse(Double.NaN);
  }

  double warmMedianMillis() {
    long[] w = warm();
    if (w.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(w);
    return w.length % 2 == 1 ? w[w.length / 2] : (w[w.length / 2 - 1] + w[w.length / 2]) / 2.0;
  }
}
