package io.cohort.billing.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.billing.ledger.Charge;
import io.cohort.billing.ledger.FeePolicy;
import io.cohort.billing.ledger.LedgerPosting;
import io.cohort.billing.ledger.LedgerSnapshot;
import io.cohort.billing.period.Booking;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.OwnerShare;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerAuditTest {

  private final LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.2, 0.1), "EUR");

  @Test
  void aLedgerOfPostedChargesIsSound() {
    List<LedgerEntry> ledger = new ArrayList<>(charge("u1", 1_000));
    ledger.addAll(charge("u2", 777));

    assertThat(LedgerAudit.check(new LedgerSnapshot(ledger, List.of()))).isEmpty();
  }

  @Test
  void aChargeBookedTwiceIsReported() {
    List<LedgerEntry> ledger = new ArrayList<>(charge("u1", 1_000));
    ledger.addAll(charge("u1", 1_000));

    assertThat(LedgerAudit.check(new LedgerSnapshot(ledger, List.of())))
        .anySatisfy(v -> assertThat(v).isEqualTo(
            "entry u1/usage#0 appears 2 times (charged more than once)"))
        .noneSatisfy(v -> assertThat(v).contains("sum of all"));
  }

  @Test
  void aMissingOrAlteredEntryIsReportedAsIncompleteUnbalancedAndANonZeroTotal() {
    List<LedgerEntry> ledger = new ArrayList<>(charge("u1", 1_000));
    ledger.remove(1);
    ledger.set(0, ledger.get(0).toBuilder().setAmountMicros(-999).build());

    assertThat(LedgerAudit.check(new LedgerSnapshot(ledger, List.of("partition 0 offset 3"))))
        .containsExactly(
            "unreadable ledger record at partition 0 offset 3",
            "charge u1/usage is incomplete: entries [0, 2] of 3",
            "charge u1/usage does not balance: sums to -0.000799",
            "sum of all entries is -0.000799, not 0");
  }

  @Test
  void summaryReportsOwnersConsumersAndThePlatform() {
    List<LedgerEntry> ledger = charge("u1", 1_000);

    Map<String, Object> report = BillingSummary.of(new LedgerSnapshot(ledger, List.of()), "EUR")
        .toReport();

    assertThat(report).containsEntry("audit", "ok").containsEntry("currency", "EUR")
        .containsEntry("owners", Map.of("a", Map.of("earned_micros", 800L)))
        .containsEntry("consumers", Map.of("acme", Map.of("charged_micros", 1_000L)))
        .containsEntry("platform", Map.of("fee_micros", 200L));
  }

  private List<LedgerEntry> charge(String eventId, long gross) {
    return posting.post(new Charge(eventId + "/usage", Charge.Kind.USAGE, "consumer:acme",
        "acme", gross, 1, "heart", "v1",
        List.of(OwnerShare.newBuilder().setOwnerId("a").setSharePpm(1_000_000).build()), false,
        Booking.onTime("2026-11-01T00:00:00Z"), eventId, 0));
  }
}
