package io.cohort.coordinator.keys;

import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.proto.v1.ApiKeyInfo;
import io.cohort.proto.v1.ApiPlan;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.PlanKind;

/**
 * Tells billing about a consumer's plan when a key is created for it: a
 * {@code ConsumerAccountEvent} through the durable spool. Billing charges usage only of consumers
 * it has an account for.
 *
 * @param subscriptionFeeMicros fee per billing period of the subscription plan
 * @param includedPredictions predictions included per period in the subscription plan
 */
public record ConsumerAccounts(SpoolingEventPublisher publisher, long subscriptionFeeMicros,
    long includedPredictions) {

  /** The demo's terms: 20 EUR a period with 1,000 predictions included. */
  public static ConsumerAccounts withDefaultTerms(SpoolingEventPublisher publisher) {
    return new ConsumerAccounts(publisher, 20_000_000, 1_000);
  }

  void publish(ApiKeyInfo key) {
    if (publisher == null) {
      return;
    }
    boolean subscription = key.getPlan() == ApiPlan.SUBSCRIPTION_PLAN;
    ConsumerAccountEvent.Builder event = ConsumerAccountEvent.newBuilder()
        .setConsumerId(key.getConsumerId()).setDisplayName(key.getConsumerId())
        .setPlan(subscription ? PlanKind.SUBSCRIPTION : PlanKind.PAY_PER_USE)
        .setPublicBenefit(key.getPublicBenefit()).setUpdatedAtMs(key.getCreatedAtMs());
    if (subscription) {
      event.setSubscriptionFeeMicros(subscriptionFeeMicros)
          .setIncludedPredictions(includedPredictions);
    }
    publisher.publish(event.build());
  }
}
