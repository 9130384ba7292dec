package io.cohort.edge.training;

/**
 * The DP-SGD mechanism of a training run.
 *
 * <p>Each step samples a Poisson batch (every record with probability {@code q = expectedBatch /
 * n}), clips each example's gradient to L2 norm {@code clipNorm}, sums, adds Gaussian noise of
 * standard deviation {@code noiseMultiplier * clipNorm} to every coordinate and divides by
 * {@code expectedBatch}. An epoch is {@code ceil(n / expectedBatch)} steps, so a round of
 * {@code local_epochs} epochs is {@link #stepsPerRound} steps: the number the accountant charges.
 *
 * @param expectedBatch expected batch size {@code B = q n}, at least 1 and at most n
 * @param noiseMultiplier sigma, finite and > 0
 * @param clipNorm C, finite and > 0
 */
public record DpSgdConfig(int expectedBatch, double noiseMultiplier, double clipNorm) {

  /** @throws IllegalArgumentException naming the parameter and its valid range */
  public DpSgdConfig {
    if (expectedBatch < 1) {
      throw new IllegalArgumentException("expected batch size must be >= 1, got "
          + expectedBatch);
    }
    if (!(noiseMultiplier > 0 && noiseMultiplier < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("noise multiplier sigma must be a finite number > 0,"
          + " got " + noiseMultiplier);
    }
    if (!(clipNorm > 0 && clipNorm < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("clipping norm C must be a finite number > 0, got "
          + clipNorm);
    }
  }

  /**
   * The sampling rate {@code q = expectedBatch / records}.
   *
   * @throws IllegalArgumentException if {@code records < 1} or q would exceed 1
   */
  public double samplingRate(long records) {
    if (records < 1) {
      throw new IllegalArgumentException("DP-SGD needs at least 1 training record, got "
          + records);
    }
    if (expectedBatch > records) {
      throw new IllegalArgumentException("sampling rate q = expected batch / records = "
          + expectedBatch + " / " + records + " must be in (0, 1]: use an expected batch of at"
          + " most " + records);
    }
    return (double) expectedBatch / records;
  }

  /** Steps of one epoch: {@code ceil(records / expectedBatch)}. */
  public long stepsPerEpoch(long records) {
    samplingRate(records);
    return (records + expectedBatch - 1) / expectedBatch;
  }

  /** Steps of a round of {@code localEpochs} epochs (what the accountant charges for it). */
  public long stepsPerRound(long records, int localEpochs) {
    if (localEpochs < 1) {
      throw new IllegalArgumentException("local_epochs must be at least 1, got " + localEpochs);
    }
    return stepsPerEpoch(records) * localEpochs;
  }
}
