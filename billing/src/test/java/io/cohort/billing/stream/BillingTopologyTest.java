package io.cohort.billing.stream;

import static io.cohort.billing.BillingFixtures.balances;
import static io.cohort.billing.BillingFixtures.payPerUse;
import static io.cohort.billing.BillingFixtures.subscription;
import static io.cohort.billing.BillingFixtures.usage;
import static io.cohort.billing.BillingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.billing.ledger.FeePolicy;
import io.cohort.billing.period.FixedPeriods;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.proto.v1.DeadLetter;
import io.cohort.proto.v1.DeadLetterReason;
import io.cohort.proto.v1.EntryKind;
import io.cohort.proto.v1.LedgerCharge;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.Posting;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BillingTopologyTest {

  /** Ten seconds into a one-minute period. */
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:10Z");
  private static final long T = NOW.toEpochMilli();
  private static final String PERIOD = "2026-11-22T10:00:00Z";
  private static final BillingSettings SETTINGS = new BillingSettings("EUR",
      FeePolicy.ofFractions(0.2, 0.1),
      new PeriodClosing(new FixedPeriods(Duration.ofMinutes(1)), Duration.ofSeconds(10)),
      Duration.ofDays(1), Duration.ofHours(1), Duration.ofSeconds(1));
  private static final ModelVersionEvent V1 =
      version("v1", 2_000_000, Map.of("hospital-a", 600_000L, "hospital-b", 400_000L));

  private BillingDriver billing;

  @BeforeEach
  void start() {
    billing = new BillingDriver(SETTINGS, NOW);
    billing.publish(V1);
    billing.account(payPerUse("acme"));
  }

  @AfterEach
  void stop() {
    billing.close();
  }

  @Test
  void payPerUseBecomesBalancedEntriesSplitByShareAfterThePlatformFee() {
    billing.use(usage("u1", "acme", "v1", 500, T));

    List<LedgerEntry> entries = billing.ledger();
    assertThat(balances(entries)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "consumer:acme", -1_000_000L, "owner:hospital-a", 480_000L,
        "owner:hospital-b", 320_000L, "platform", 200_000L));
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.getPeriodId()).isEqualTo(PERIOD);
      assertThat(e.getAdjustment()).isFalse();
      assertThat(e.getSourceEventId()).isEqualTo("u1");
      assertThat(e.getModelVersion()).isEqualTo("v1");
    });
  }

  @Test
  void aReSentEventIsChargedOnce() {
    UsageEvent u = usage("u1", "acme", "v1", 500, T);
    billing.use(u);
    billing.use(u);
    billing.use(u);

    assertThat(balances(billing.ledger())).containsEntry("consumer:acme", -1_000_000L);
    assertThat(billing.counter.duplicates()).isEqualTo(2);
    assertThat(billing.deadLetters()).isEmpty();
  }

  @Test
  void usageByAnUnknownConsumerIsDeadLetteredNotCharged() {
    billing.use(usage("u1", "nobody", "v1", 5, T));

    assertThat(billing.ledger()).isEmpty();
    assertThat(billing.deadLetters()).singleElement().satisfies(d -> {
      assertThat(d.getReason()).isEqualTo(DeadLetterReason.UNKNOWN_CONSUMER);
      assertThat(d.getEventId()).isEqualTo("u1");
      assertThat(d.getSourceTopic()).isEqualTo("cohort.usage.v1");
      assertThat(usageOf(d).getConsumerId()).isEqualTo("nobody");
    });
    assertThat(billing.counter.rejected(DeadLetterReason.UNKNOWN_CONSUMER)).isEqualTo(1);
  }

  @Test
  void usageOfAnUnknownOrWithdrawnVersionIsDeadLettered() {
    billing.use(usage("u1", "acme", "v9", 5, T));
    billing.withdraw("heart/v1");
    billing.use(usage("u2", "acme", "v1", 5, T));

    assertThat(billing.ledger()).isEmpty();
    assertThat(billing.deadLetters()).extracting(DeadLetter::getReason).containsExactly(
        DeadLetterReason.UNKNOWN_MODEL_VERSION, DeadLetterReason.UNKNOWN_MODEL_VERSION);
  }

  @Test
  void aVersionWithSharesThatDoNotSumToAMillionIsNotLoaded() {
    billing.publish(version("v2", 1_000, Map.of("hospital-a", 999_999L)));
    billing.use(usage("u1", "acme", "v2", 5, T));

    assertThat(billing.counter.badGlobalRecords()).isEqualTo(1);
    assertThat(billing.deadLetters()).extracting(DeadLetter::getReason)
        .containsExactly(DeadLetterReason.UNKNOWN_MODEL_VERSION);
  }

  @Test
  void negativeOrZeroCountsAndMissingFieldsAreInvalid() {
    billing.use(usage("u1", "acme", "v1", -3, T));
    billing.use(usage("u2", "acme", "v1", 0, T));
    billing.use(usage("", "acme", "v1", 1, T));
    billing.useRaw("someone-else", usage("u3", "acme", "v1", 1, T).toByteArray());

    assertThat(billing.ledger()).isEmpty();
    List<DeadLetter> letters = billing.deadLetters();
    assertThat(letters).extracting(DeadLetter::getReason).containsOnly(DeadLetterReason.INVALID);
    assertThat(letters).extracting(DeadLetter::getDetail).containsExactly(
        "predictions must be positive, got -3", "predictions must be positive, got 0",
        "event_id is empty", "record key 'someone-else' is not the consumer id 'acme'");
  }

  @Test
  void aMalformedPayloadIsDeadLetteredAndTheStreamGoesOn() {
    byte[] garbage = "not protobuf \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    billing.useRaw("acme", garbage);
    billing.useRaw("acme", null);
    billing.use(usage("u1", "acme", "v1", 500, T));

    assertThat(billing.deadLetters()).extracting(DeadLetter::getReason)
        .containsExactly(DeadLetterReason.MALFORMED, DeadLetterReason.MALFORMED);
    assertThat(balances(billing.ledger())).containsEntry("consumer:acme", -1_000_000L);
  }

  @Test
  void aVersionPricedInAnotherCurrencyIsNotCharged() {
    billing.publish(V1.toBuilder().setVersion("v-usd").setCurrency("USD").build());
    billing.use(usage("u1", "acme", "v-usd", 5, T));

    assertThat(billing.deadLetters()).extracting(DeadLetter::getReason)
        .containsExactly(DeadLetterReason.CURRENCY_MISMATCH);
  }

  @Test
  void eventsOutsideTheDeduplicationWindowOrFromTheFutureExpire() {
    billing.use(usage("u1", "acme", "v1", 5, T));
    billing.use(usage("u2", "acme", "v1", 5, T - Duration.ofDays(2).toMillis()));
    billing.use(usage("u3", "acme", "v1", 5, T + Duration.ofHours(2).toMillis()));

    assertThat(billing.deadLetters()).extracting(DeadLetter::getEventId, DeadLetter::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("u2", DeadLetterReason.EXPIRED),
            org.assertj.core.groups.Tuple.tuple("u3", DeadLetterReason.EXPIRED));
  }

  @Test
  void aLateEventOfAClosedPeriodIsAnAdjustmentInTheOpenPeriod() {
    billing.advanceClock(Duration.ofMinutes(1));
    billing.use(usage("u1", "acme", "v1", 500, T));

    assertThat(billing.ledger()).isNotEmpty().allSatisfy(e -> {
      assertThat(e.getAdjustment()).isTrue();
      assertThat(e.getOriginalPeriodId()).isEqualTo(PERIOD);
      assertThat(e.getPeriodId()).isEqualTo("2026-11-22T10:01:00Z");
    });
  }

  @Test
  void aSubscriberPaysItsFeeDrawsItDownPaysOverageAndBreakageGoesToThePlatform() {
    billing.account(subscription("lab", 1_000_000, 1_000));

    billing.use(usage("u1", "lab", "v1", 250, T));
    List<LedgerEntry> first = billing.ledger();
    billing.use(usage("u2", "lab", "v1", 1_000, T));
    List<LedgerEntry> second = billing.ledger();
    billing.advanceClock(Duration.ofMinutes(2));
    List<LedgerEntry> settlement = billing.ledger();

    assertThat(balances(first)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "consumer:lab", -1_000_000L, "prepaid:lab", 750_000L, "owner:hospital-a", 120_000L,
        "owner:hospital-b", 80_000L, "platform", 50_000L));
    assertThat(second).extracting(LedgerEntry::getChargeId).contains("u2/included", "u2/overage");
    assertThat(balances(second)).containsEntry("consumer:lab", -500_000L)
        .containsEntry("prepaid:lab", -750_000L);
    assertThat(settlement).isEmpty();
  }

  @Test
  void anUnusedQuotaIsBreakageForThePlatformOnceThePeriodCloses() {
    billing.account(subscription("lab", 1_000_000, 1_000));
    billing.use(usage("u1", "lab", "v1", 100, T));
    billing.ledger();

    billing.advanceClock(Duration.ofMinutes(1));
    List<LedgerEntry> settlement = billing.ledger();

    assertThat(balances(settlement)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "prepaid:lab", -900_000L, "platform", 900_000L));
    assertThat(settlement).allSatisfy(e -> {
      assertThat(e.getKind()).isEqualTo(EntryKind.PREPAID_BREAKAGE);
      assertThat(e.getOriginalPeriodId()).isEqualTo(PERIOD);
      assertThat(e.getPeriodId()).isEqualTo("2026-11-22T10:01:00Z");
    });
    billing.advanceClock(Duration.ofMinutes(1));
    assertThat(billing.ledger()).isEmpty();
  }

  @Test
  void aPublicInterestConsumerGetsTheDiscountFromThePlatformFee() {
    billing.account(payPerUse("uni").toBuilder().setPublicBenefit(true).build());

    billing.use(usage("u1", "uni", "v1", 500, T));

    assertThat(balances(billing.ledger())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "consumer:uni", -900_000L, "owner:hospital-a", 480_000L,
        "owner:hospital-b", 320_000L, "platform", 100_000L));
  }

  @Test
  void everyChargeOnTheLedgerSumsToZero() {
    billing.account(subscription("lab", 777_777, 333));
    for (int i = 0; i < 50; i++) {
      billing.use(usage("p" + i, "acme", "v1", 1 + i * 7, T));
      billing.use(usage("s" + i, "lab", "v1", 1 + i * 3, T));
    }
    billing.advanceClock(Duration.ofMinutes(2));

    Map<String, Long> byCharge = new java.util.HashMap<>();
    for (LedgerEntry e : billing.ledger()) {
      byCharge.merge(e.getChargeId(), e.getAmountMicros(), Long::sum);
    }
    assertThat(byCharge).isNotEmpty().allSatisfy((charge, sum) -> assertThat(sum).isZero());
  }

  @Test
  void aUsageEventIsOneBalancedLedgerRecordKeyedByItsConsumer() {
    billing.use(usage("u1", "acme", "v1", 500, T));

    var records = billing.chargeRecords();
    assertThat(records).hasSize(1);
    assertThat(records.get(0).key()).isEqualTo("acme");
    LedgerCharge charge = records.get(0).value();
    assertThat(charge.getChargeId()).isEqualTo("u1/usage");
    assertThat(charge.getPostingsList()).extracting(Posting::getAccount).containsExactly(
        "consumer:acme", "owner:hospital-a", "owner:hospital-b", "platform");
    assertThat(charge.getPostingsList().stream().mapToLong(Posting::getAmountMicros).sum())
        .isZero();
  }

  @Test
  void theTopologyDescriptionNamesEveryProcessorAndStore() {
    String description = BillingTopology.build(SETTINGS, new DeadLetterCounter()).describe()
        .toString();

    assertThat(description).contains("parse-usage", "validate-usage", "dedup-usage",
        "price-usage", "usage-dedup-store", "usage-counters-store", "subscription-usage-store",
        "model-versions-store", "consumer-accounts-store", "cohort.ledger.v2",
        "cohort.billing.dead-letter.v1");
  }

  private static UsageEvent usageOf(DeadLetter d) throws Exception {
    return UsageEvent.parseFrom(d.getPayload());
  }
}
