package io.cohort.billing.pricing;

import io.cohort.billing.ledger.Accounts;
import io.cohort.billing.ledger.Charge;
import io.cohort.billing.money.LargestRemainder;
import io.cohort.billing.period.Booking;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.PlanKind;
import io.cohort.proto.v1.UsageEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Prices one valid usage event under the consumer's plan.
 *
 * <p>List-price usage is charged cumulatively per consumer, period and version: after c
 * predictions the consumer has been charged {@code floor(P * c / 1000)} micros in total, so many
 * small requests cost what one large request would, to the micro. A subscriber's first use in a
 * period pays the period's fee into its prepaid account; included predictions draw the fee down
 * (see {@link SubscriptionUsage}); predictions beyond the quota are overage at list price.
 */
public final class UsagePricer {

  /** Charge id suffixes, one per part of a usage event. */
  public static final String USAGE = "usage";
  public static final String FEE = "fee";
  public static final String INCLUDED = "included";
  public static final String OVERAGE = "overage";

  /**
   * The charges of one usage event, in posting order; zero charges are left out.
   *
   * @param usage a validated event (positive predictions)
   * @param version the published version that served it
   * @param account the consumer's account
   * @param booking where the charges are booked
   * @param counters the counters to read and update
   */
  public List<Charge> price(UsageEvent usage, ModelVersionEvent version,
      ConsumerAccountEvent account, Booking booking, UsageCounters counters) {
    List<Charge> charges = new ArrayList<>(3);
    long listPriced = usage.getPredictions();
    if (account.getPlan() == PlanKind.SUBSCRIPTION) {
      SubscriptionUsage sub = counters.subscription(usage.getConsumerId(), booking.periodId());
      if (sub == null) {
        sub = new SubscriptionUsage(account.getSubscriptionFeeMicros(),
            account.getIncludedPredictions(), 0, 0);
        add(charges, charge(usage, version, account, booking, FEE, Charge.Kind.SUBSCRIPTION_FEE,
            Accounts.consumer(usage.getConsumerId()), sub.feeMicros(), 0));
      }
      long included = Math.min(listPriced, sub.remainingPredictions());
      if (included > 0) {
        long used = sub.usedPredictions() + included;
        long drawn = sub.includedPredictions() == used
            ? sub.feeMicros()
            : LargestRemainder.floorMulDiv(sub.feeMicros(), used, sub.includedPredictions());
        add(charges, charge(usage, version, account, booking, INCLUDED, Charge.Kind.USAGE,
            Accounts.prepaid(usage.getConsumerId()), drawn - sub.drawnMicros(), included));
        sub = new SubscriptionUsage(sub.feeMicros(), sub.includedPredictions(), used, drawn);
      }
      counters.putSubscription(usage.getConsumerId(), booking.periodId(), sub);
      listPriced -= included;
    }
    if (listPriced > 0) {
      String key = versionKey(version);
      long before = counters.chargedPredictions(usage.getConsumerId(), booking.periodId(), key);
      long after = Math.addExact(before, listPriced);
      long price = version.getPriceMicrosPer1000();
      long gross = LargestRemainder.floorMulDiv(price, after, 1000)
          - LargestRemainder.floorMulDiv(price, before, 1000);
      String part = account.getPlan() == PlanKind.SUBSCRIPTION ? OVERAGE : USAGE;
      add(charges, charge(usage, version, account, booking, part, Charge.Kind.USAGE,
          Accounts.consumer(usage.getConsumerId()), gross, listPriced));
      counters.putChargedPredictions(usage.getConsumerId(), booking.periodId(), key, after);
    }
    return charges;
  }

  /**
   * The breakage charge of a closed period's subscription: what was not drawn down, from the
   * prepaid account to the platform. Zero when the quota was used up.
   */
  public static Charge breakage(String consumerId, String closedPeriodId, SubscriptionUsage sub,
      Booking booking, long nowMs) {
    return new Charge("breakage/" + consumerId + "/" + closedPeriodId, Charge.Kind.BREAKAGE,
        Accounts.prepaid(consumerId), consumerId, sub.undrawnMicros(), 0, "", "", List.of(),
        false, booking, "breakage/" + consumerId + "/" + closedPeriodId, nowMs);
  }

  /** The key of a version in the model-version table: {@code "<federation>/<version>"}. */
  public static String versionKey(ModelVersionEvent version) {
    return versionKey(version.getFederationId(), version.getVersion());
  }

  public static String versionKey(String federationId, String version) {
    return federationId + "/" + version;
  }

  private static Charge charge(UsageEvent usage, ModelVersionEvent version,
      ConsumerAccountEvent account, Booking booking, String part, Charge.Kind kind, String payer,
      long gross, long predictions) {
    boolean isUsage = kind == Charge.Kind.USAGE;
    return new Charge(usage.getEventId() + "/" + part, kind, payer, usage.getConsumerId(), gross,
        predictions, isUsage ? version.getFederationId() : "",
        isUsage ? version.getVersion() : "",
        isUsage ? version.getContributionSharesList() : List.of(),
        isUsage && account.getPublicBenefit(), booking, usage.getEventId(), usage.getTimeMs());
  }

  private static void add(List<Charge> charges, Charge charge) {
    if (charge.grossMicros() > 0) {
      charges.add(charge);
    }
  }
}
