package io.cohort.edge.privacy;

import io.cohort.model.privacy.PrivacyAccountant;
import io.cohort.model.privacy.RdpConversion;
import io.cohort.model.privacy.SigmaSolver;

import io.cohort.edge.task.LocalWork;
import io.cohort.edge.training.DpSgdConfig;
import io.cohort.proto.v1.TrainConfig;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.Optional;

/**
 * A node's privacy budget at work: its {@link DpSettings}, its {@link PrivacyLedger} and the RDP
 * accountant rebuilt from that ledger (the ledger is the only state: the accountant is rebuilt
 * from it on every check, so what the node enforces is what its disk says).
 *
 * <p>Before a round: {@link #plan} works out the round's q, sigma and steps
 * ({@code local_epochs * ceil(n / B)}, see {@link DpSgdConfig#stepsPerRound}) and the epsilon the
 * node would reach after it; {@link #decline} says why not, if that exceeds the budget. After the
 * round's training, before its update leaves the node: {@link #record}. Thread-safe.
 */
public final class PrivacyBudget {

  /** Decline code for a round that would take the node past its epsilon budget. */
  public static final String BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED";
  /** Decline code while the ledger is corrupted. */
  public static final String LEDGER_CORRUPTED = "PRIVACY_LEDGER_CORRUPTED";

  private final DpSettings settings;
  private final PrivacyLedger ledger;
  private final long records;
  private final double delta;
  private final Map<List<Double>, Double> solvedSigmas = new ConcurrentHashMap<>();

  /**
   * What one round of DP-SGD will cost.
   *
   * @param expectedBatch B
   * @param q B / n
   * @param sigma the noise multiplier (given or solved)
   * @param steps DP-SGD steps of the round
   * @param delta the node's delta
   * @param epsilonBefore epsilon spent before the round
   * @param epsilonAfter epsilon spent after it
   */
  public record RoundPlan(int expectedBatch, double q, double sigma, long steps, double delta,
      double epsilonBefore, double epsilonAfter) {

    /** The mechanism to train with. */
    public DpSgdConfig mechanism(double clipNorm) {
      return new DpSgdConfig(expectedBatch, sigma, clipNorm);
    }
  }

  /**
   * @param records n, the size of the local training split
   * @throws IllegalArgumentException if the settings do not fit the dataset (q > 1)
   * @throws PrivacyLedger.CorruptedException if the ledger is corrupted
   */
  public PrivacyBudget(DpSettings settings, PrivacyLedger ledger, long records) {
    this.settings = settings.checkedFor(records);
    this.ledger = ledger;
    this.records = records;
    this.delta = settings.deltaFor(records);
    accountant(); // refuse a corrupted ledger now
  }

  public DpSettings settings() {
    return settings;
  }

  public PrivacyLedger ledger() {
    return ledger;
  }

  /** The delta every epsilon of this node is stated at. */
  public double delta() {
    return delta;
  }

  /**
   * Epsilon spent so far, from the ledger.
   *
   * @throws PrivacyLedger.CorruptedException if the ledger is corrupted
   */
  public synchronized double epsilonSpent() {
    return accountant().epsilon(delta).epsilon();
  }

  /**
   * The cost of a round trained with {@code config}.
   *
   * @throws IllegalArgumentException if sigma cannot be solved for the target epsilon
   * @throws PrivacyLedger.CorruptedException if the ledger is corrupted
   */
  public synchronized RoundPlan plan(TrainConfig config) {
    PrivacyAccountant accountant = accountant();
    int batch = settings.expectedBatchFor(config.getBatchSize(), records);
    DpSgdConfig probe = new DpSgdConfig(batch, 1.0, settings.clipNorm());
    double q = probe.samplingRate(records);
    long steps = probe.stepsPerRound(records, Math.max(1, config.getLocalEpochs()));
    double sigma = settings.noiseMultiplier() != null ? settings.noiseMultiplier()
        : solvedSigma(q, steps * settings.plannedRounds());
    double before = accountant.epsilon(delta).epsilon();
    double after = accountant.epsilonAfter(q, sigma, steps, delta).epsilon();
    return new RoundPlan(batch, q, sigma, steps, delta, before, after);
  }

  /**
   * Why the node must decline a round trained with {@code config}, if it must: the round would
   * take it past its budget ({@link #BUDGET_EXHAUSTED}), the ledger is corrupted
   * ({@link #LEDGER_CORRUPTED}), or sigma cannot be solved ({@code DP_SETTINGS_INVALID}).
   */
  public Optional<LocalWork.Decline> decline(TrainConfig config) {
    RoundPlan plan;
    try {
      plan = plan(config);
    } catch (PrivacyLedger.CorruptedException e) {
      return Optional.of(new LocalWork.Decline(LEDGER_CORRUPTED, e.getMessage()));
    } catch (IllegalArgumentException e) {
      return Optional.of(new LocalWork.Decline("DP_SETTINGS_INVALID", e.getMessage()));
    }
    if (plan.epsilonAfter() > settings.epsilonBudget()) {
      return Optional.of(new LocalWork.Decline(BUDGET_EXHAUSTED, String.format(Locale.ROOT,
          "this round (q=%s, sigma=%s, %d steps) would take epsilon from %.4f to %.4f at"
              + " delta=%s, over the budget of %s", brief(plan.q()), brief(plan.sigma()),
          plan.steps(), plan.epsilonBefore(), plan.epsilonAfter(), brief(delta),
          brief(settings.epsilonBudget()))));
    }
    return Optional.empty();
  }

  /**
   * Records a trained round in the ledger (fsynced) and returns the epsilon spent after it.
   *
   * @throws PrivacyLedger.CorruptedException if the ledger became corrupted meanwhile
   */
  public synchronized double record(int round, String taskId, RoundPlan plan) {
    PrivacyAccountant accountant = accountant();
    accountant.step(plan.q(), plan.sigma(), plan.steps());
    double epsilon = accountant.epsilon(delta).epsilon();
    ledger.append(new LedgerEntry(round, taskId, plan.q(), plan.sigma(), plan.steps(), epsilon,
        delta, plan.expectedBatch(), settings.clipNorm(), System.currentTimeMillis()));
    return epsilon;
  }

  /** A number to 4 significant digits without trailing zeros: 0.02, 1.1, 0.00001. */
  static String brief(double value) {
    return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  /** Sigma for the target epsilon over all planned steps at q, from scratch. */
  private double solvedSigma(double q, long plannedSteps) {
    return solvedSigmas.computeIfAbsent(List.of(q, (double) plannedSteps),
        key -> SigmaSolver.solve(settings.targetEpsilon(), q, plannedSteps, delta,
            RdpConversion.BALLE).sigma());
  }

  private PrivacyAccountant accountant() {
    List<LedgerEntry> entries = ledger.read();
    PrivacyAccountant accountant = new PrivacyAccountant();
    for (LedgerEntry e : entries) {
      accountant.step(e.q(), e.sigma(), e.steps());
    }
    return accountant;
  }
}
