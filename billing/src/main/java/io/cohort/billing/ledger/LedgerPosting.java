package io.cohort.billing.ledger;

import com.google.protobuf.ByteString;
import io.cohort.billing.money.LargestRemainder;
import io.cohort.billing.money.Micros;
import io.cohort.billing.pricing.ContributionShares;
import io.cohort.proto.v1.EntryKind;
import io.cohort.proto.v1.LedgerCharge;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.OwnerShare;
import io.cohort.proto.v1.Posting;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Posts a charge as one double-entry ledger record ({@link LedgerCharge}) whose postings sum to
 * exactly zero.
 *
 * <p>A usage charge of G micros debits the payer G; the platform fee and the owners' royalties
 * split G by the largest-remainder method with weights {@code fee} for the platform and
 * {@code (1 - fee) * share_i} for owner i (owners in id order), so the credits sum to G exactly.
 * A public-interest consumer gets {@code floor(G * discount)} back, taken from the platform's
 * part, which is never smaller. Zero-amount credits are left out; a zero charge posts nothing.
 *
 * <p>Keeps small caches (each version's split, the UTF-8 form of recurring strings), so an
 * instance belongs to one thread.
 */
public final class LedgerPosting {

  /** Bound of each cache below; a full cache is cleared. */
  private static final int CACHED = 10_000;

  private final FeePolicy fees;
  private final String currency;
  private final Map<List<OwnerShare>, OwnerSplit> splits = new HashMap<>();
  private final Map<String, ByteString> utf8 = new HashMap<>();

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
    LedgerCharge record = record(charge);
    return record == null ? List.of() : LedgerCharges.entries(record);
  }

  /**
   * The charge as one balanced ledger record with all its postings, as the ledger topic holds
   * it; null when the charge is zero (nothing moves, nothing is written).
   */
  public LedgerCharge record(Charge charge) {
    if (charge.grossMicros() == 0) {
      return null;
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
    // Strings that recur across charges (accounts, periods, versions) are UTF-8 encoded once.
    LedgerCharge.Builder record = LedgerCharge.newBuilder()
        .setChargeIdBytes(ByteString.copyFromUtf8(charge.chargeId()))
        .setCurrencyBytes(utf8(currency))
        .setPeriodIdBytes(utf8(charge.booking().periodId()))
        .setAdjustment(charge.booking().adjustment())
        .setOriginalPeriodIdBytes(utf8(charge.booking().originalPeriodId()))
        .setSourceEventIdBytes(ByteString.copyFromUtf8(charge.sourceEventId()))
        .setConsumerIdBytes(utf8(charge.consumerId()))
        .setFederationIdBytes(utf8(charge.federationId()))
        .setModelVersionBytes(utf8(charge.modelVersion()))
        .setPredictions(charge.predictions())
        .setEventTimeMs(charge.eventTimeMs());
    for (Leg leg : legs) {
      record.addPostings(Posting.newBuilder().setAccountBytes(utf8(leg.account()))
          .setAmountMicros(leg.amountMicros()).setKind(leg.kind()));
    }
    return record.build();
  }

  private List<Leg> usageLegs(Charge charge) {
    long gross = charge.grossMicros();
    OwnerSplit split = splits.get(charge.shares());
    if (split == null) {
      split = OwnerSplit.of(charge.shares(), fees);
      if (splits.size() >= CACHED) {
        splits.clear();
      }
      splits.put(charge.shares(), split);
    }
    if (split.problem() != null) {
      throw new IllegalArgumentException(split.problem());
    }
    long[] parts = LargestRemainder.split(gross, split.weights());
    long discount = charge.publicBenefit()
        ? LargestRemainder.floorMulDiv(gross, fees.publicBenefitDiscountPpm(), Micros.PPM)
        : 0;
    List<Leg> legs = new ArrayList<>(split.accounts().length + 3);
    legs.add(new Leg(charge.payerAccount(), -gross, EntryKind.USAGE_CHARGE));
    for (int i = 0; i < split.accounts().length; i++) {
      if (parts[i + 1] != 0) {
        legs.add(new Leg(split.accounts()[i], parts[i + 1], EntryKind.ROYALTY));
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

  /** UTF-8 bytes of a string that recurs across entries (accounts, periods, versions). */
  private ByteString utf8(String s) {
    ByteString bytes = utf8.get(s);
    if (bytes == null) {
      bytes = ByteString.copyFromUtf8(s);
      if (utf8.size() >= CACHED) {
        utf8.clear();
      }
      utf8.put(s, bytes);
    }
    return bytes;
  }

  /**
   * How a version's usage charges split: owner accounts in id order and the largest-remainder
   * weights (platform first), or what is wrong with the shares.
   */
  private record OwnerSplit(String[] accounts, long[] weights, String problem) {

    static OwnerSplit of(List<OwnerShare> shares, FeePolicy fees) {
      List<OwnerShare> owners = new ArrayList<>(shares);
      owners.sort(Comparator.comparing(OwnerShare::getOwnerId));
      String problem = ContributionShares.problem(owners).orElse(null);
      String[] accounts = new String[owners.size()];
      long[] weights = new long[owners.size() + 1];
      weights[0] = fees.platformFeePpm() * Micros.PPM;
      for (int i = 0; i < owners.size(); i++) {
        accounts[i] = Accounts.owner(owners.get(i).getOwnerId());
        weights[i + 1] = (Micros.PPM - fees.platformFeePpm()) * owners.get(i).getSharePpm();
      }
      return new OwnerSplit(accounts, weights, problem);
    }
  }

  private record Leg(String account, long amountMicros, EntryKind kind) {}
}
