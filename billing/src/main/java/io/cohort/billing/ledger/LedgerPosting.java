package io.cohort.billing.ledger;

import io.cohort.billing.money.LargestRemainder;
import io.cohort.billing.money.Micros;
import io.cohort.billing.pricing.ContributionShares;
import io.cohort.proto.v1.EntryKind;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.OwnerShare;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Posts a charge as double-entry ledger entries whose amounts sum to exactly zero.
 *
 * <p>A usage charge of G micros debits the payer G; the platform fee and the owners' royalties
 * split G by the largest-remainder method with weights {@code fee} for the platform and
 * {@code (1 - fee) * share_i} for owner i (owners in id order), so the credits sum to G exactly.
 * A public-interest consumer gets {@code floor(G * discount)} back, taken from the platform's
 * part, which is never smaller. Zero-amount credits are left out; a zero charge posts nothing.
 */
public final class LedgerPosting {

  private final FeePolicy fees;
  private final String currency;

  public LedgerPosting(FeePolicy fees, String currency) {
    this.fees = fees;
    this.currency = currency;
  }

  public FeePolicy fees() {
    return fees;
  }

  public String currency() {
    return currency;
  }

  /** The entries of one charge, in posting order; empty when the charge is zero. */
  public List<LedgerEntry> post(Charge charge) {
    if (charge.grossMicros() == 0) {
      return List.of();
    }
    List<Leg> legs = switch (charge.kind()) {
      case USAGE -> usageLegs(charge);
      case SUBSCRIPTION_FEE -> List.of(
          new Leg(charge.payerAccount(), -charge.grossMicros(), EntryKind.SUBSCRIPTION_FEE),
          new Leg(Accounts.prepaid(charge.consumerId()), charge.grossMicros(),
              EntryKind.PREPAID_FUNDING));
      case BREAKAGE -> List.of(
          new Leg(charge.payerAccount(), -charge.grossMicros(), EntryKind.PREPAID_BREAKAGE),
          new Leg(Accounts.PLATFORM, charge.grossMicros(), EntryKind.PREPAID_BREAKAGE));
    };
    List<LedgerEntry> entries = new ArrayList<>(legs.size());
    for (int i = 0; i < legs.size(); i++) {
      Leg leg = legs.get(i);
      entries.add(LedgerEntry.newBuilder()
          .setEntryId(charge.chargeId() + "#" + i)
          .setChargeId(charge.chargeId())
          .setEntryIndex(i)
          .setEntryCount(legs.size())
          .setAccount(leg.account())
          .setAmountMicros(leg.amountMicros())
          .setCurrency(currency)
          .setKind(leg.kind())
          .setPeriodId(charge.booking().periodId())
          .setAdjustment(charge.booking().adjustment())
          .setOriginalPeriodId(charge.booking().originalPeriodId())
          .setSourceEventId(charge.sourceEventId())
          .setConsumerId(charge.consumerId())
          .setFederationId(charge.federationId())
          .setModelVersion(charge.modelVersion())
          .setPredictions(charge.predictions())
          .setEventTimeMs(charge.eventTimeMs())
          .build());
    }
    return entries;
  }

  private List<Leg> usageLegs(Charge charge) {
    long gross = charge.grossMicros();
    List<OwnerShare> owners = new ArrayList<>(charge.shares());
    owners.sort(Comparator.comparing(OwnerShare::getOwnerId));
    ContributionShares.problem(owners).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
    long[] weights = new long[owners.size() + 1];
    weights[0] = fees.platformFeePpm() * Micros.PPM;
    for (int i = 0; i < owners.size(); i++) {
      weights[i + 1] = (Micros.PPM - fees.platformFeePpm()) * owners.get(i).getSharePpm();
    }
    long[] parts = LargestRemainder.split(gross, weights);
    long discount = charge.publicBenefit()
        ? LargestRemainder.floorMulDiv(gross, fees.publicBenefitDiscountPpm(), Micros.PPM)
        : 0;
    List<Leg> legs = new ArrayList<>(owners.size() + 3);
    legs.add(new Leg(charge.payerAccount(), -gross, EntryKind.USAGE_CHARGE));
    for (int i = 0; i < owners.size(); i++) {
      if (parts[i + 1] != 0) {
        legs.add(new Leg(Accounts.owner(owners.get(i).getOwnerId()), parts[i + 1],
            EntryKind.ROYALTY));
      }
    }
    if (parts[0] - discount != 0) {
      legs.add(new Leg(Accounts.PLATFORM, parts[0] - discount, EntryKind.PLATFORM_FEE));
    }
    if (discount != 0) {
      legs.add(new Leg(Accounts.consumer(charge.consumerId()), discount,
          EntryKind.PUBLIC_BENEFIT_DISCOUNT));
    }
    return legs;
  }

  private record Leg(String account, long amountMicros, EntryKind kind) {}
}
