package io.cohort.coordinator.round;

import io.cohort.coordinator.contribution.ContributionScorer;
import io.cohort.coordinator.contribution.ContributionScorers;
import io.cohort.coordinator.contribution.ContributionShares;
import io.cohort.coordinator.contribution.NodeUpdate;
import io.cohort.coordinator.contribution.RoundUpdates;
import io.cohort.coordinator.contribution.Utility;
import io.cohort.coordinator.federation.FederationSpecs;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a round is worth: the new version's quality on the operator's validation set, each
 * participant's measured contribution (Shapley-style, never the claimed sample count), and every
 * owner's cumulative share, recomputed from the journaled rounds so a restart changes nothing.
 */
final class RoundAssessment {

  private static final Logger log = LoggerFactory.getLogger(RoundAssessment.class);

  void assess(RoundEngine.RoundHost federation, float[] base, float[] next,
      Map<String, NodeUpdate> updates, RoundSummary.Builder summary) {
    ValidationSet validation = federation.validation();
    FederationSpec spec = federation.spec();
    if (validation == null) {
      summary.setQuality(Double.NaN);
      return;
    }
    ModelArchitecture arch = new ModelArchitecture(spec.getModel());
    String metric = FederationSpecs.qualityMetric(spec);
    Utility utility = Utility.validation(metric, arch, validation);
    summary.setQuality(utility.value(next));
    if (spec.getContributionScorer().isEmpty() || updates.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    ContributionScorer scorer = ContributionScorers.create(spec.getContributionScorer(),
        Map.of());
    Map<String, Double> scores = scorer.score(new RoundUpdates(base, arch.layout(),
        arch.trainableLayout(), updates), utility);
    summary.putAllContribution(scores);
    ContributionShares shares = new ContributionShares();
    for (RoundSummary r : federation.rounds()) {
      if (r.getOutcome() == RoundOutcome.SUCCEEDED) {
        shares.addRound(r.getContributionMap());
      }
    }
    shares.addRound(scores);
    summary.putAllSharesPpm(shares.partsPerMillion());
    log.info("federation={} round={} quality={}={} contributions={} took_ms={}", spec
        .getFederationId(), summary.getRound(), metric, String.format("%.4f",
        summary.getQuality()), scores, (System.nanoTime() - started) / 1_000_000);
  }
}
