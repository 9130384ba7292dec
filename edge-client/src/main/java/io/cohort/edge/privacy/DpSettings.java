package io.cohort.edge.privacy;

import io.cohort.model.privacy.Checks;
import io.cohort.model.privacy.PrivacyAccountant;

import java.util.Locale;

/**
 * A node owner's DP-SGD settings: how much noise (a noise multiplier sigma, or a target epsilon for
 * the whole federation from which sigma is solved), the clipping norm, delta, the expected batch
 * size, and the epsilon budget past which the node refuses to train. Validated when built, so bad
 * settings are refused before anything is trained.
 *
 * @param noiseMultiplier sigma, or null when {@code targetEpsilon} is given
 * @param targetEpsilon the epsilon the node should reach after {@code plannedRounds} rounds (sigma
 *     is solved for it), or null when {@code noiseMultiplier} is given
 * @param plannedRounds rounds the federation plans, for solving sigma from a target; 0 with a
 *     noise multiplier
 * @param clipNorm C, the L2 norm each example's gradient is clipped to
 * @param delta delta, or null for {@link PrivacyAccountant#defaultDelta} of the local dataset
 * @param expectedBatch expected Poisson batch size B (q = B / n), or 0 for the task's batch size
 *     (at most n)
 * @param epsilonBudget the most epsilon this node will ever spend (at delta)
 */
public record DpSettings(Double noiseMultiplier, Double targetEpsilon, int plannedRounds,
    double clipNorm, Double delta, int expectedBatch, double epsilonBudget) {

  /** Sigma when neither a noise multiplier nor a target epsilon is given. */
  public static final double DEFAULT_NOISE_MULTIPLIER = 1.0;
  /** The clipping norm when none is given. */
  public static final double DEFAULT_CLIP_NORM = 1.0;

  /** @throws IllegalArgumentException naming the parameter (and its flag) and the valid range */
  public DpSettings {
    if (noiseMultiplier != null && targetEpsilon != null) {
      throw new IllegalArgumentException("give either a noise multiplier (--noise-multiplier)"
          + " or a target epsilon (--target-epsilon), not both");
    }
    if (noiseMultiplier == null && targetEpsilon == null) {
      noiseMultiplier = DEFAULT_NOISE_MULTIPLIER;
    }
    if (noiseMultiplier != null) {
      positive("noise multiplier sigma (--noise-multiplier)", noiseMultiplier);
    } else {
      positive("target epsilon (--target-epsilon)", targetEpsilon);
      if (plannedRounds < 1) {
        throw new IllegalArgumentException("planned rounds (--planned-rounds) must be >= 1 to"
            + " solve sigma from a target epsilon, got " + plannedRounds);
      }
    }
    if (plannedRounds < 0) {
      throw new IllegalArgumentException("planned rounds (--planned-rounds) must be >= 0, got "
          + plannedRounds);
    }
    positive("clipping norm C (--clip-norm)", clipNorm);
    if (delta != null && !(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta (--delta) must be in (0, 1), got " + delta);
    }
    if (expectedBatch < 0) {
      throw new IllegalArgumentException("expected batch size (--expected-batch) must be >= 1"
          + " (or 0 for the task's batch size), got " + expectedBatch);
    }
    positive("epsilon budget (--epsilon-budget)", epsilonBudget);
  }

  /**
   * Settings with a fixed noise multiplier.
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static DpSettings withNoiseMultiplier(double sigma, double clipNorm, Double delta,
      int expectedBatch, double epsilonBudget) {
    return new DpSettings(sigma, null, 0, clipNorm, delta, expectedBatch, epsilonBudget);
  }

  /**
   * Settings that solve sigma so that {@code plannedRounds} rounds reach {@code targetEpsilon}.
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static DpSettings withTargetEpsilon(double targetEpsilon, int plannedRounds,
      double clipNorm, Double delta, int expectedBatch, double epsilonBudget) {
    return new DpSettings(null, targetEpsilon, plannedRounds, clipNorm, delta, expectedBatch,
        epsilonBudget);
  }

  /**
   * Checks the settings against the local dataset: q = B / n must be in (0, 1].
   *
   * @return this
   * @throws IllegalArgumentException if there are no records or the expected batch exceeds them
   */
  public DpSettings checkedFor(long records) {
    if (records < 1) {
      throw new IllegalArgumentException("DP-SGD needs at least 1 training record, got "
          + records);
    }
    if (expectedBatch > records) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "sampling rate q ="
          + " expected batch / records = %d / %d = %.4g must be in (0, 1]: use an expected"
          + " batch (--expected-batch) of at most %d", expectedBatch, records,
          (double) expectedBatch / records, records));
    }
    return this;
  }

  /** Delta for a local dataset of {@code records} records (the setting, or the default). */
  public double deltaFor(long records) {
    return delta != null ? delta : PrivacyAccountant.defaultDelta(records);
  }

  /** The expected batch for a task whose batch size is {@code taskBatchSize}. */
  public int expectedBatchFor(int taskBatchSize, long records) {
    if (expectedBatch > 0) {
      return expectedBatch;
    }
    return (int) Math.max(1, Math.min(taskBatchSize, records));
  }

  private static void positive(String name, double value) {
    if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
    }
  }
}
