package io.cohort.coordinator.aggregation;

import io.cohort.model.privacy.EpsilonResult;
import io.cohort.model.privacy.PrivacyAccountant;
import io.cohort.model.privacy.RdpConversion;
import java.util.List;

/**
 * The user-level accountant of {@link CentralDp}: each released round is one step of the sampled
 * Gaussian mechanism with noise multiplier z (a node's whole update has sensitivity S and the sum
 * gets noise of std z S) and sampling rate {@code q = selected nodes / eligible nodes}; steps =
 * rounds. RDP composition and the conversion to (epsilon, delta) are the shared
 * {@link PrivacyAccountant}'s (Balle et al. 2020 conversion unless asked otherwise).
 *
 * <p>Two numbers, because amplification by sampling needs assumptions Cohort does not fully meet:
 * <ul>
 *   <li>{@link #epsilon(double)}: with amplification at rate q. It assumes each node is included
 *       independently with probability q and that who was included stays secret. Cohort selects
 *       a fixed number of nodes with a seeded shuffle and lists the participants in round
 *       summaries, so this is the customary approximation (as in McMahan et al. 2018 and TFF),
 *       valid against someone who sees only the released models.</li>
 *   <li>{@link #epsilonWithoutSampling(double)}: every round counted at q = 1, the plain Gaussian
 *       mechanism. An upper bound that holds even for someone who knows who took part in each
 *       round. With all nodes selected every round (q = 1) the two are equal.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class CentralDpAccountant {

  private final double noiseMultiplier;
  private final PrivacyAccountant sampled = new PrivacyAccountant();
  private final PrivacyAccountant unsampled = new PrivacyAccountant();

  /**
   * @param noiseMultiplier z, finite and {@code > 0}
   * @throws IllegalArgumentException otherwise
   */
  public CentralDpAccountant(double noiseMultiplier) {
    this.noiseMultiplier =
        StrategyParameter.Range.POSITIVE.check("noise multiplier", noiseMultiplier);
  }

  /**
   * The sampling rate of a round: the nodes selected over the nodes that could have been selected
   * (the available ones, of which the selection is a subset).
   *
   * @throws IllegalArgumentException unless {@code 1 <= selected <= eligible}
   */
  public static double samplingRate(int selected, int eligible) {
    if (selected < 1 || selected > eligible) {
      throw new IllegalArgumentException("selected nodes must be in [1, eligible nodes = "
          + eligible + "], got " + selected);
    }
    return (double) selected / eligible;
  }

  /**
   * Records one released round at sampling rate q.
   *
   * @throws IllegalArgumentException if q is not in (0, 1]
   */
  public synchronized void round(double q) {
    sampled.step(q, noiseMultiplier, 1);
    unsampled.step(1.0, noiseMultiplier, 1);
  }

  /** The noise multiplier z. */
  public double noiseMultiplier() {
    return noiseMultiplier;
  }

  /** Rounds recorded. */
  public synchronized long rounds() {
    return sampled.totalSteps();
  }

  /**
   * The recorded rounds as phases of equal q (consecutive rounds with the same q merged), in
   * order; enough to rebuild this accountant ({@link #replay}).
   */
  public synchronized List<PrivacyAccountant.Phase> phases() {
    return sampled.phases();
  }

  /**
   * An accountant that has recorded {@code phases}.
   *
   * @throws IllegalArgumentException if a phase has another noise multiplier, a q outside
   *     (0, 1] or negative steps
   */
  static CentralDpAccountant replay(double noiseMultiplier, List<PrivacyAccountant.Phase> phases) {
    CentralDpAccountant accountant = new CentralDpAccountant(noiseMultiplier);
    for (PrivacyAccountant.Phase phase : phases) {
      if (phase.sigma() != noiseMultiplier) {
        throw new IllegalArgumentException("phase noise multiplier " + phase.sigma()
            + " differs from " + noiseMultiplier);
      }
      accountant.sampled.step(phase.q(), noiseMultiplier, phase.steps());
      accountant.unsampled.step(1.0, noiseMultiplier, phase.steps());
    }
    return accountant;
  }

  /**
   * User-level epsilon so far at this delta, with amplification by sampling, Balle conversion.
   *
   * @throws IllegalArgumentException if delta is not in (0, 1)
   */
  public EpsilonResult epsilon(double delta) {
    return epsilon(delta, RdpConversion.BALLE);
  }

  /**
   * User-level epsilon so far at this delta, with amplification by sampling.
   *
   * @throws IllegalArgumentException if delta is not in (0, 1)
   */
  public synchronized EpsilonResult epsilon(double delta, RdpConversion conversion) {
    return sampled.epsilon(delta, conversion);
  }

  /**
   * User-level epsilon so far at this delta counting every round at q = 1 (no amplification),
   * Balle conversion.
   *
   * @throws IllegalArgumentException if delta is not in (0, 1)
   */
  public synchronized EpsilonResult epsilonWithoutSampling(double delta) {
    return unsampled.epsilon(delta, RdpConversion.BALLE);
  }
}
