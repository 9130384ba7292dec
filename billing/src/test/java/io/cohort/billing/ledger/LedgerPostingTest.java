package io.cohort.billing.ledger;

import static io.cohort.billing.BillingFixtures.balances;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.billing.money.LargestRemainder;
import io.cohort.billing.period.Booking;
import io.cohort.proto.v1.EntryKind;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.OwnerShare;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LedgerPostingTest {

  private static final Booking BOOKING = Booking.onTime("2026-11-01T00:00:00Z");

  @Test
  void usageDebitsTheConsumerAndCreditsOwnersByShareAfterThePlatformFee() {
    LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.2, 0), "EUR");

    List<LedgerEntry> entries = posting.post(usage(1_000_000, false,
        share("hospital-a", 750_000), share("hospital-b", 250_000)));

    assertThat(balances(entries)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "consumer:acme", -1_000_000L, "owner:hospital-a", 600_000L,
        "owner:hospital-b", 200_000L, "platform", 200_000L));
    assertThat(entries).extracting(LedgerEntry::getKind).containsExactly(EntryKind.USAGE_CHARGE,
        EntryKind.ROYALTY, EntryKind.ROYALTY, EntryKind.PLATFORM_FEE);
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.getChargeId()).isEqualTo("u1/usage");
      assertThat(e.getEntryCount()).isEqualTo(4);
      assertThat(e.getPeriodId()).isEqualTo(BOOKING.periodId());
      assertThat(e.getCurrency()).isEqualTo("EUR");
    });
    assertThat(entries).extracting(LedgerEntry::getEntryId)
        .containsExactly("u1/usage#0", "u1/usage#1", "u1/usage#2", "u1/usage#3");
  }

  @Test
  void publicBenefitDiscountComesOutOfThePlatformFeeNotTheOwners() {
    LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.2, 0.15), "EUR");

    List<LedgerEntry> entries = posting.post(usage(1_000_000, true, share("hospital-a", 1_000_000)));

    assertThat(balances(entries)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "consumer:acme", -850_000L, "owner:hospital-a", 800_000L, "platform", 50_000L));
  }

  @Test
  void aDiscountAsLargeAsTheFeeLeavesThePlatformNothingAndPostsNoPlatformEntry() {
    LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.1, 0.1), "EUR");

    List<LedgerEntry> entries = posting.post(usage(1_000, true, share("a", 1_000_000)));

    assertThat(entries).extracting(LedgerEntry::getAccount)
        .containsExactly("consumer:acme", "owner:a", "consumer:acme");
    assertThat(balances(entries)).containsEntry("consumer:acme", -900L).containsEntry("owner:a", 900L);
  }

  @Test
  void aDiscountLargerThanTheFeeIsRefused() {
    assertThatThrownBy(() -> FeePolicy.ofFractions(0.1, 0.2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("discount");
  }

  @Test
  void zeroChargesPostNothingAndZeroSharesGetNoEntry() {
    LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.2, 0), "EUR");

    assertThat(posting.post(usage(0, false, share("a", 1_000_000)))).isEmpty();
    assertThat(posting.post(usage(100, false, share("a", 1_000_000), share("b", 0))))
        .extracting(LedgerEntry::getAccount).doesNotContain("owner:b");
  }

  @Test
  void sharesThatDoNotSumToAMillionAreRefused() {
    LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.2, 0), "EUR");

    assertThatThrownBy(() -> posting.post(usage(100, false, share("a", 999_999))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("999999");
  }

  @Test
  void subscriptionFeesFundThePrepaidAccountAndBreakageGoesToThePlatform() {
    LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.2, 0), "EUR");
    Charge fee = new Charge("u1/fee", Charge.Kind.SUBSCRIPTION_FEE, "consumer:acme", "acme", 500,
        0, "", "", List.of(), false, BOOKING, "u1", 0);
    Charge breakage = new Charge("b", Charge.Kind.BREAKAGE, "prepaid:acme", "acme", 200, 0, "",
        "", List.of(), false, BOOKING, "b", 0);

    List<LedgerEntry> entries = new ArrayList<>(posting.post(fee));
    entries.addAll(posting.post(breakage));

    assertThat(balances(entries)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "consumer:acme", -500L, "prepaid:acme", 300L, "platform", 200L));
  }

  @Property
  void everyUsageChargeBalancesAndOwnersGetTheirShareOfTheNetToWithinOneMicro(
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long gross,
      @ForAll @LongRange(min = 0, max = 1_000_000) long feePpm,
      @ForAll @LongRange(min = 0, max = 1_000_000) long discountPpm,
      @ForAll boolean publicBenefit,
      @ForAll @Size(min = 1, max = 10) List<@LongRange(min = 0, max = 1000) Long> rawShares) {
    FeePolicy fees = new FeePolicy(feePpm, Math.min(discountPpm, feePpm));
    List<OwnerShare> shares = sharesFrom(rawShares);

    List<LedgerEntry> entries = new LedgerPosting(fees, "EUR")
        .post(usage(gross, publicBenefit, shares.toArray(OwnerShare[]::new)));

    assertThat(entries.stream().mapToLong(LedgerEntry::getAmountMicros).sum()).isZero();
    Map<String, Long> balances = balances(entries);
    long discount = publicBenefit
        ? LargestRemainder.floorMulDiv(gross, fees.publicBenefitDiscountPpm(), 1_000_000) : 0;
    assertThat(balances.getOrDefault("consumer:acme", 0L)).isEqualTo(-(gross - discount));
    assertThat(balances.getOrDefault("platform", 0L)).isNotNegative();
    long ownersTotal = 0;
    for (OwnerShare s : shares) {
      long earned = balances.getOrDefault("owner:" + s.getOwnerId(), 0L);
      double exact = (double) gross * (1_000_000 - feePpm) / 1e6 * s.getSharePpm() / 1e6;
      assertThat((double) earned).isBetween(Math.floor(exact) - 1, Math.ceil(exact) + 1);
      ownersTotal += earned;
    }
    double exactOwners = (double) gross * (1_000_000 - feePpm) / 1e6;
    assertThat((double) ownersTotal).isBetween(Math.floor(exactOwners) - 1,
        Math.ceil(exactOwners) + 1);
  }

  static List<OwnerShare> sharesFrom(List<Long> raw) {
    long[] weights = raw.stream().mapToLong(Long::longValue).toArray();
    if (java.util.Arrays.stream(weights).sum() == 0) {
      weights[0] = 1;
    }
    long[] ppm = LargestRemainder.split(1_000_000, weights);
    List<OwnerShare> shares = new ArrayList<>();
    for (int i = 0; i < ppm.length; i++) {
      shares.add(share("owner-" + i, ppm[i]));
    }
    return shares;
  }

  private static OwnerShare share(String owner, long ppm) {
    return OwnerShare.newBuilder().setOwnerId(owner).setSharePpm(ppm).build();
  }

  private static Charge usage(long gross, boolean publicBenefit, OwnerShare... shares) {
    return new Charge("u1/usage", Charge.Kind.USAGE, "consumer:acme", "acme", gross, 10, "heart",
        "v1", List.of(shares), publicBenefit, BOOKING, "u1", 5);
  }
}
