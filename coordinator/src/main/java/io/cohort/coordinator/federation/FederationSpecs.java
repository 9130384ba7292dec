package io.cohort.coordinator.federation;

import io.cohort.coordinator.aggregation.StrategyFactory;
import io.cohort.coordinator.contribution.ContributionScorers;
import io.cohort.coordinator.contribution.Utility;
import io.cohort.model.identity.Identity;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Defaults and validation of federation specs. Every message names the field to fix. */
public final class FederationSpecs {

  public static final Pattern ID = Identity.ID;

  private FederationSpecs() {}

  /** The spec with unset fields filled with defaults. */
  public static FederationSpec withDefaults(FederationSpec spec) {
    FederationSpec.Builder b = spec.toBuilder();
    if (b.getStrategy().isEmpty()) {
      b.setStrategy("fedavg");
    }
    if (b.getRounds() == 0) {
      b.setRounds(10);
    }
    if (b.getFractionFit() == 0) {
      b.setFractionFit(1.0);
    }
    if (b.getMinNodes() == 0) {
      b.setMinNodes(1);
    }
    if (b.getQuorum() == 0) {
      b.setQuorum(b.getMinNodes());
    }
    if (b.getRoundTimeoutMs() == 0) {
      b.setRoundTimeoutMs(120_000);
    }
    if (b.getEvalTimeoutMs() == 0) {
      b.setEvalTimeoutMs(60_000);
    }
    if (b.getSelectionTimeoutMs() == 0) {
      b.setSelectionTimeoutMs(120_000);
    }
    if (!b.hasMaxRoundRetries()) {
      b.setMaxRoundRetries(2);
    }
    if (b.getUpdateEncoding() == Encoding.ENCODING_UNSPECIFIED) {
      b.setUpdateEncoding(Encoding.FLOAT32);
    }
    TrainConfig.Builder t = b.getTrain().toBuilder();
    if (t.getLocalEpochs() == 0) {
      t.setLocalEpochs(1);
    }
    if (t.getBatchSize() == 0) {
      t.setBatchSize(32);
    }
    if (t.getOptimizer().isEmpty()) {
      t.setOptimizer("sgd");
    }
    if (t.getLearningRate() == 0) {
      t.setLearningRate(0.05);
    }
    b.setTrain(t);
    return b.build();
  }

  /** The metric a version's quality (and so its price) is measured by; AUC by default. */
  public static String qualityMetric(FederationSpec spec) {
    return spec.getQualityMetric().isEmpty() ? "auc" : spec.getQualityMetric();
  }

  /**
   * Everything {@link Federations#create} checks before it creates anything: the spec (defaults
   * applied by the caller) as {@link #validate(FederationSpec)}, plus the operator's validation
   * set (null for none) against the scorer and the model, and the initial model file.
   *
   * @throws IllegalArgumentException naming what is wrong and how to fix it
   */
  public static void validate(FederationSpec spec, ValidationSet validation) {
    validate(spec);
    if (!spec.getContributionScorer().isEmpty() && validation == null) {
      throw new IllegalArgumentException("contribution_scorer " + spec.getContributionScorer()
          + " needs a validation set: give the federation one, or leave the scorer empty");
    }
    if (validation != null && (validation.numFeatures() != spec.getModel().getInputFeatures()
        || validation.numClasses() != spec.getModel().getNumClasses())) {
      throw new IllegalArgumentException("validation set has " + validation.numFeatures()
          + " features and " + validation.numClasses() + " classes; the model takes "
          + spec.getModel().getInputFeatures() + " and " + spec.getModel().getNumClasses());
    }
    String metric = qualityMetric(spec);
    if (!Utility.METRICS.contains(metric)) {
      throw new IllegalArgumentException("unknown quality_metric '" + metric + "': use one of "
          + Utility.METRICS);
    }
    if (spec.getPriceAlphaMicros() > 0 && metric.equals("neg_loss")) {
      throw new IllegalArgumentException("price_alpha_micros prices a quality in [0, 1]: use"
          + " quality_metric accuracy or auc, not neg_loss");
    }
    if (validation != null) {
      // The metric and the scorer the rounds will use, built once now so that a metric that
      // does not suit the task fails here instead of at round 1.
      Utility.validation(metric, new ModelArchitecture(spec.getModel()), validation);
    }
    if (!spec.getContributionScorer().isEmpty()) {
      ContributionScorers.create(spec.getContributionScorer(), Map.of());
    }
    if (!spec.getInitialModelPath().isEmpty()
        && !Files.isRegularFile(Path.of(spec.getInitialModelPath()))) {
      throw new IllegalArgumentException("initial_model_path " + spec.getInitialModelPath()
          + " does not exist");
    }
  }

  /**
   * Checks a spec (after defaults).
   *
   * @throws IllegalArgumentException naming the field and the valid values
   */
  public static void validate(FederationSpec s) {
    require(ID.matcher(s.getFederationId()).matches(),
        "federation_id must match [a-z0-9_-]{1,64}, got '" + s.getFederationId() + "'");
    try {
      ModelArchitecture.validate(s.getModel());
      new ModelArchitecture(s.getModel()).layout();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model: " + e.getMessage(), e);
    }
    require(!s.getSchemaFingerprint().isEmpty(), "schema_fingerprint must be set");
    StrategyFactory.create(s.getStrategy(), s.getStrategyParamsMap());
    require(s.getRounds() > 0 && s.getRounds() <= 100_000, "rounds must be in [1, 100000], got "
        + s.getRounds());
    require(s.getFractionFit() > 0 && s.getFractionFit() <= 1,
        "fraction_fit must be in (0, 1], got " + s.getFractionFit());
    require(s.getMinNodes() >= 1, "min_nodes must be at least 1, got " + s.getMinNodes());
    require(s.getQuorum() >= 1 && s.getQuorum() <= s.getMinNodes(),
        "quorum must be in [1, min_nodes=" + s.getMinNodes() + "], got " + s.getQuorum());
    require(s.getRoundTimeoutMs() > 0, "round_timeout_ms must be positive");
    require(s.getEvalTimeoutMs() > 0, "eval_timeout_ms must be positive");
    require(s.getSelectionTimeoutMs() > 0, "selection_timeout_ms must be positive");
    require(s.getMaxRoundRetries() >= 0, "max_round_retries must be >= 0");
    require(s.getMaxUpdateNorm() >= 0, "max_update_norm must be >= 0 (0 = no bound)");
    require(List.of(Encoding.FLOAT32, Encoding.FLOAT16).contains(s.getUpdateEncoding()),
        "update_encoding must be FLOAT32 or FLOAT16");
    TrainConfig t = s.getTrain();
    require(t.getLocalEpochs() >= 1, "train.local_epochs must be at least 1");
    require(t.getBatchSize() >= 1, "train.batch_size must be at least 1");
    require(List.of("sgd", "adam").contains(t.getOptimizer()),
        "train.optimizer must be sgd or adam, got '" + t.getOptimizer() + "'");
    require(t.getLearningRate() > 0 && Double.isFinite(t.getLearningRate()),
        "train.learning_rate must be positive");
    require(t.getProximalMu() >= 0, "train.proximal_mu must be >= 0");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
