package io.cohort.edge.cli;

import io.cohort.edge.privacy.DpSettings;
import io.cohort.model.privacy.PrivacyAccountant;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The DP-SGD and privacy-budget options of {@code cohort client}. */
final class PrivacyOptions {

  @Option(names = "--dp", arity = "0..1", fallbackValue = "on", paramLabel = "on|off",
      defaultValue = "${env:COHORT_DP:-off}",
      description = "Train with DP-SGD under a privacy budget: on or off (env COHORT_DP,"
          + " default ${DEFAULT-VALUE}; '--dp' alone means on). Needs --data.")
  String dp;

  @Option(names = "--epsilon-budget", defaultValue = "${env:COHORT_EPSILON_BUDGET}",
      description = "The most record-level epsilon this node will ever spend, at delta; a task"
          + " that would go past it is declined with BUDGET_EXHAUSTED (env"
          + " COHORT_EPSILON_BUDGET; required with --dp on unless --target-epsilon is given,"
          + " which is then the budget).")
  Double epsilonBudget;

  @Option(names = "--noise-multiplier", defaultValue = "${env:COHORT_NOISE_MULTIPLIER}",
      description = "Noise multiplier sigma: the noise standard deviation over the clipping"
          + " norm (env COHORT_NOISE_MULTIPLIER; default "
          + DpSettings.DEFAULT_NOISE_MULTIPLIER + " unless --target-epsilon is given).")
  Double noiseMultiplier;

  @Option(names = "--target-epsilon", defaultValue = "${env:COHORT_TARGET_EPSILON}",
      description = "Instead of --noise-multiplier: the epsilon this node should reach after"
          + " --planned-rounds rounds; sigma is solved from it, the round's local epochs, q and"
          + " delta (env COHORT_TARGET_EPSILON).")
  Double targetEpsilon;

  @Option(names = "--planned-rounds", defaultValue = "${env:COHORT_PLANNED_ROUNDS:-0}",
      description = "Rounds the federation plans, for --target-epsilon (env"
          + " COHORT_PLANNED_ROUNDS).")
  int plannedRounds;

  @Option(names = "--clip-norm", defaultValue = "${env:COHORT_CLIP_NORM:-"
      + DpSettings.DEFAULT_CLIP_NORM + "}",
      description = "Clipping norm C: each example's gradient is scaled down to at most this L2"
          + " norm (env COHORT_CLIP_NORM, default ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--delta", defaultValue = "${env:COHORT_DELTA}",
      description = "Delta of the (epsilon, delta) guarantee, in (0, 1) (env COHORT_DELTA;"
          + " default min(" + PrivacyAccountant.MAX_DEFAULT_DELTA + ", 1/(10 n)) for n local"
          + " training records).")
  Double delta;

  @Option(names = "--expected-batch", defaultValue = "${env:COHORT_EXPECTED_BATCH:-0}",
      description = "Expected Poisson batch size B; each record joins a batch with probability"
          + " q = B / n (env COHORT_EXPECTED_BATCH; default: the task's batch size, at most n).")
  int expectedBatch;

  @Option(names = "--privacy-ledger", defaultValue = "${env:COHORT_PRIVACY_LEDGER}",
      description = "This node's privacy ledger, one fsynced line per round, kept across"
          + " restarts; never delete it (env COHORT_PRIVACY_LEDGER; default"
          + " <node-dir>/privacy-ledger.jsonl).")
  Path ledger;

  @Option(names = "--node-dir", defaultValue = "${env:COHORT_NODE_DIR}",
      description = "This node's own data folder (env COHORT_NODE_DIR; default"
          + " node-data/<node id> in the working directory).")
  Path nodeDir;

  /**
   * The validated settings, when DP is on.
   *
   * @throws IllegalArgumentException naming the bad setting
   */
  DpSettings settings() {
    Double budget = epsilonBudget != null ? epsilonBudget : targetEpsilon;
    if (budget == null) {
      throw new IllegalArgumentException("--epsilon-budget is required with --dp on (or give"
          + " --target-epsilon, which is then the budget)");
    }
    return new DpSettings(noiseMultiplier, targetEpsilon, plannedRounds, clipNorm, delta,
        expectedBatch, budget);
  }

  /** @throws IllegalArgumentException if DP options are given while DP is off */
  void requireOffSettingsUnset() {
    if (epsilonBudget != null || noiseMultiplier != null || targetEpsilon != null
        || delta != null || expectedBatch != 0 || plannedRounds != 0
        || clipNorm != DpSettings.DEFAULT_CLIP_NORM || ledger != null) {
      throw new IllegalArgumentException("privacy options were given but DP-SGD is off: add"
          + " --dp on, or drop them");
    }
  }

  Path ledgerFile(String node) {
    if (ledger != null) {
      return ledger;
    }
    Path dir = nodeDir != null ? nodeDir : Path.of("node-data", node);
    return dir.resolve("privacy-ledger.jsonl");
  }

  /**
   * Whether DP is on.
   *
   * @throws IllegalArgumentException if --dp is neither on nor off
   */
  boolean enabled() {
    return switch (dp.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw new IllegalArgumentException("--dp: use on or off, got '" + dp + "'");
    };
  }
}
