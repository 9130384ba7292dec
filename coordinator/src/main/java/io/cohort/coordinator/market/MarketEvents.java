package io.cohort.coordinator.market;

import io.cohort.billing.events.EventIds;
import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.billing.pricing.QualityProportionalPrice;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.coordinator.federation.FederationSpecs;
import io.cohort.coordinator.federation.Federations;
import io.cohort.proto.v1.ContributionEvent;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.OwnerShare;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the data market's events when a round succeeds: one {@code ContributionEvent} per
 * participant (id deterministic from federation, round and owner) and one
 * {@code ModelVersionEvent} (quality, contribution shares, list price {@code P = alpha *
 * quality}). Events go through the durable spool, so a Kafka outage loses nothing; a restart
 * re-publishes the last round's events with the same ids (consumers deduplicate by id), which
 * closes the window between journaling a round and spooling its events.
 */
public final class MarketEvents implements FederationListener {

  private static final Logger log = LoggerFactory.getLogger(MarketEvents.class);

  private final SpoolingEventPublisher publisher;
  private volatile Federations federations;

  public MarketEvents(SpoolingEventPublisher publisher) {
    this.publisher = publisher;
  }

  /** Connects to the federations (after they were rebuilt) and re-publishes each last round. */
  public void attach(Federations all) {
    this.federations = all;
    for (Federation f : all.list()) {
      List<RoundSummary> rounds = f.rounds();
      rounds.stream().filter(r -> r.getOutcome() == RoundOutcome.SUCCEEDED)
          .reduce((a, b) -> b).ifPresent(r -> publish(f.spec(), r));
    }
  }

  @Override
  public void roundFinished(String federationId, RoundSummary summary) {
    Federations all = federations;
    if (all == null || summary.getOutcome() != RoundOutcome.SUCCEEDED) {
      return;
    }
    all.get(federationId).ifPresent(f -> publish(f.spec(), summary));
  }

  void publish(FederationSpec spec, RoundSummary r) {
    long now = System.currentTimeMillis();
    for (String owner : r.getParticipantsList()) {
      publisher.publish(ContributionEvent.newBuilder()
          .setEventId(EventIds.contribution(spec.getFederationId(), r.getRound(), owner))
          .setFederationId(spec.getFederationId()).setRound(r.getRound()).setOwnerId(owner)
          .setModelVersion(r.getModelVersion())
          .setSamples(r.getSamplesOrDefault(owner, 0))
          .setContributionScore(r.getContributionOrDefault(owner, 0))
          .setEpsilonSpent(r.getEpsilonOrDefault(owner, 0))
          .setTimeMs(now).build());
    }
    double quality = r.getQuality();
    long price = listPrice(spec, quality);
    ModelVersionEvent.Builder version = ModelVersionEvent.newBuilder()
        .setFederationId(spec.getFederationId()).setVersion(r.getModelVersion())
        .setRound(r.getRound())
        .setQualityMetric(FederationSpecs.qualityMetric(spec))
        .setQuality(Double.isFinite(quality) ? quality : 0)
        .setPriceMicrosPer1000(price)
        .setCurrency(currency(spec))
        .setCreatedAtMs(now);
    for (Map.Entry<String, Long> e : r.getSharesPpmMap().entrySet()) {
      version.addContributionShares(OwnerShare.newBuilder().setOwnerId(e.getKey())
          .setSharePpm(e.getValue()));
    }
    publisher.publish(version.build());
    log.info("federation={} round={} version={} market events spooled: {} contributions,"
        + " price {} micros per 1000", spec.getFederationId(), r.getRound(), r.getModelVersion(),
        r.getParticipantsCount(), price);
  }

  /** List price per 1,000 predictions of a version of this quality: P = alpha * quality. */
  public static long listPrice(FederationSpec spec, double quality) {
    return Double.isFinite(quality) && spec.getPriceAlphaMicros() > 0
        ? new QualityProportionalPrice(spec.getPriceAlphaMicros()).pricePer1000Micros(quality)
        : 0;
  }

  /** The spec's currency, EUR when unset. */
  public static String currency(FederationSpec spec) {
    return spec.getCurrency().isEmpty() ? "EUR" : spec.getCurrency();
  }
}
