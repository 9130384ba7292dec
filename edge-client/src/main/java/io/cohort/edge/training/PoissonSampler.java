package io.cohort.edge.training;

/**
 * Poisson sampling of a batch, as DP-SGD's accounting assumes: every one of {@code n} records is
 * in the batch independently with probability {@code q}, so the batch size varies (binomial, mean
 * {@code q n}) and may be zero. Drawn by geometric skips (the gap before the next chosen record is
 * {@code floor(ln U / ln(1 - q))}, whose law is exactly that of the number of failures before a
 * success), so a batch costs one logarithm per chosen record instead of one draw per record.
 * Not thread-safe.
 */
final class PoissonSampler {

  private final int records;
  private final double q;
  private final double logMiss; // ln(1 - q)
  private final CsprngStream stream;
  private final int[] batch;

  /**
   * @throws IllegalArgumentException if {@code records < 1} or q is not in (0, 1]
   */
  PoissonSampler(int records, double q, CsprngStream stream) {
    if (records < 1) {
      throw new IllegalArgumentException("records must be >= 1, got " + records);
    }
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("q (sampling rate) must be in (0, 1], got " + q);
    }
    this.records = records;
    this.q = q;
    this.logMiss = Math.log1p(-q);
    this.stream = stream;
    this.batch = new int[records];
  }

  /**
   * Draws the next batch.
   *
   * @return the chosen record indices, ascending, in {@code batch()[0..size)}; the size
   */
  int next() {
    if (q == 1) {
      for (int i = 0; i < records; i++) {
        batch[i] = i;
      }
      return records;
    }
    int size = 0;
    long index = -1;
    while (true) {
      double u = 1 - stream.nextDouble(); // in (0, 1]
      index += 1 + (long) Math.floor(Math.log(u) / logMiss);
      if (index >= records || index < 0) {
        return size;
      }
      batch[size++] = (int) index;
    }
  }

  /** The indices of the last batch in their first {@link #next()} slots; reused by each call. */
  int[] batch() {
    return batch;
  }
}
