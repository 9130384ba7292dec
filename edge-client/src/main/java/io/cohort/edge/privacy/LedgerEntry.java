package io.cohort.edge.privacy;

/**
 * One round of DP-SGD training as the node's privacy ledger records it: the parameters that the
 * accountant composes ({@code q}, {@code sigma}, {@code steps}) and the epsilon the node had
 * spent after it, at {@code delta}.
 *
 * @param round the federation's round number
 * @param taskId the coordinator's task id
 * @param q sampling rate, in (0, 1]
 * @param sigma noise multiplier, > 0
 * @param steps DP-SGD steps taken, >= 0
 * @param epsilon epsilon spent by the node after this round, all rounds included
 * @param delta the delta {@code epsilon} is stated at, in (0, 1)
 * @param expectedBatch the expected batch size B = q n
 * @param clipNorm the clipping norm C
 * @param timeMs when the entry was written (Unix epoch ms)
 */
public record LedgerEntry(int round, String taskId, double q, double sigma, long steps,
    double epsilon, double delta, int expectedBatch, double clipNorm, long timeMs) {

  /** @throws IllegalArgumentException if a value is out of its range */
  public LedgerEntry {
    if (taskId == null) {
      throw new IllegalArgumentException("task id is missing");
    }
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be in (0, 1], got " + q);
    }
    if (!(sigma > 0 && sigma < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("sigma must be a finite number > 0, got " + sigma);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (!(epsilon >= 0)) {
      throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
  }
}
