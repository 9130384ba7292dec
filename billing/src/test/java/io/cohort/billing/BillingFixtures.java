package io.cohort.billing;

import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.OwnerShare;
import io.cohort.proto.v1.PlanKind;
import io.cohort.proto.v1.UsageEvent;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** Events and helpers shared by billing tests. */
public final class BillingFixtures {

  public static final String FEDERATION = "heart";

  private BillingFixtures() {}

  /** A version of {@link #FEDERATION} with the given price and owner shares (ppm). */
  public static ModelVersionEvent version(String version, long pricePer1000,
      Map<String, Long> sharesPpm) {
    ModelVersionEvent.Builder b = ModelVersionEvent.newBuilder().setFederationId(FEDERATION)
        .setVersion(version).setRound(1).setQualityMetric("accuracy").setQuality(0.8)
        .setPriceMicrosPer1000(pricePer1000).setCurrency("EUR").setCreatedAtMs(1_000);
    new TreeMap<>(sharesPpm).forEach((owner, ppm) ->
        b.addContributionShares(OwnerShare.newBuilder().setOwnerId(owner).setSharePpm(ppm)));
    return b.build();
  }

  public static ConsumerAccountEvent payPerUse(String consumerId) {
    return ConsumerAccountEvent.newBuilder().setConsumerId(consumerId)
        .setPlan(PlanKind.PAY_PER_USE).build();
  }

  public static ConsumerAccountEvent subscription(String consumerId, long fee, long included) {
    return ConsumerAccountEvent.newBuilder().setConsumerId(consumerId)
        .setPlan(PlanKind.SUBSCRIPTION).setSubscriptionFeeMicros(fee)
        .setIncludedPredictions(included).build();
  }

  public static UsageEvent usage(String eventId, String consumerId, String version,
      long predictions, long timeMs) {
    return UsageEvent.newBuilder().setEventId(eventId).setConsumerId(consumerId)
        .setFederationId(FEDERATION).setModelVersion(version).setPredictions(predictions)
        .setTimeMs(timeMs).build();
  }

  /** Balance per account. */
  public static Map<String, Long> balances(Collection<LedgerEntry> entries) {
    Map<String, Long> balances = new TreeMap<>();
    for (LedgerEntry e : entries) {
      balances.merge(e.getAccount(), e.getAmountMicros(), Long::sum);
    }
    return balances;
  }
}
