package io.cohort.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.billing.period.Booking;
import io.cohort.billing.period.FixedPeriods;
import io.cohort.billing.period.Period;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.proto.v1.EntryKind;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.Overview;
import io.cohort.proto.v1.OwnerShare;
import io.cohort.proto.v1.PeriodTotals;
import io.cohort.proto.v1.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerBookTest {

  private static final String P0 = "1970-01-01T00:00:00Z";
  private static final String P1 = "1970-01-01T00:01:00Z";
  private final PeriodClosing periods =
      new PeriodClosing(new FixedPeriods(Duration.ofMinutes(1)), Duration.ofSeconds(10));
  private final LedgerPosting posting = new LedgerPosting(FeePolicy.ofFractions(0.2, 0), "EUR");

  @Test
  void aStatementSumsAPeriodsEntriesByKindAndVersionAndShowsAdjustmentsApart() {
    List<LedgerEntry> entries = new ArrayList<>();
    entries.addAll(charge("u1", 1_000, Booking.onTime(P0)));
    entries.addAll(charge("u2", 500, Booking.onTime(P1)));
    entries.addAll(charge("u3", 300, new Booking(P1, true, P0)));
    LedgerBook book = new LedgerBook(entries, periods, "EUR");
    Period p1 = periods.calendar().byId(P1);

    Statement statement = book.statement("consumer:acme", p1, p1.endMs() + 10_000);

    assertThat(statement.getPeriod().getClosed()).isTrue();
    assertThat(statement.getLinesList()).hasSize(2).allSatisfy(l -> {
      assertThat(l.getKind()).isEqualTo(EntryKind.USAGE_CHARGE);
      assertThat(l.getModelVersion()).isEqualTo("v1");
    });
    assertThat(statement.getLines(0).getAmountMicros()).isEqualTo(-500);
    assertThat(statement.getLines(1).getAdjustment()).isTrue();
    assertThat(statement.getLines(1).getAmountMicros()).isEqualTo(-300);
    assertThat(statement.getTotalMicros()).isEqualTo(-800);
    assertThat(statement.getClosingBalanceMicros()).isEqualTo(-1_800);
    assertThat(book.balance("owner:a").getBalanceMicros()).isEqualTo(1_440);
    assertThat(book.periodIds()).containsExactly(P1, P0);
    assertThat(book.entries("owner:a", P0)).hasSize(1);
  }

  @Test
  void anOpenPeriodIsNotClosedAndAnAccountWithoutEntriesHasZero() {
    LedgerBook book = new LedgerBook(List.of(), periods, "EUR");
    Period p0 = periods.calendar().byId(P0);

    assertThat(book.statement("owner:x", p0, 65_000).getPeriod().getClosed()).isFalse();
    assertThat(book.balance("owner:x").getBalanceMicros()).isZero();
  }

  @Test
  void theOverviewTotalsEachPeriodAndInvoicesSubscribersTheirFeeWithTheirPredictions() {
    List<LedgerEntry> entries = new ArrayList<>(charge("u1", 1_000, Booking.onTime(P0)));
    entries.addAll(posting.post(new Charge("s1/fee", Charge.Kind.SUBSCRIPTION_FEE,
        "consumer:lab", "lab", 5_000, 0, "", "", List.of(), false, Booking.onTime(P1), "s1", 0)));
    entries.addAll(posting.post(new Charge("s1/included", Charge.Kind.USAGE, "prepaid:lab",
        "lab", 400, 7, "heart", "v1", List.of(share("a")), false, Booking.onTime(P1), "s1", 0)));
    LedgerBook book = new LedgerBook(entries, periods, "EUR");

    Overview overview = book.overview(12, 75_000);

    assertThat(overview.getPeriodsList()).extracting(t -> t.getPeriod().getPeriodId())
        .containsExactly(P1, P0);
    PeriodTotals p1 = overview.getPeriods(0);
    assertThat(p1.getRevenueMicros()).isEqualTo(5_000);
    assertThat(p1.getRoyaltiesMicros()).isEqualTo(320);
    assertThat(p1.getPlatformMicros()).isEqualTo(80);
    assertThat(p1.getPredictions()).isEqualTo(7);
    assertThat(overview.getPeriods(1).getPeriod().getClosed()).isTrue();
    assertThat(overview.getInvoicesList()).extracting(i -> i.getConsumerId() + " "
        + i.getPeriod().getPeriodId() + " " + i.getAmountMicros() + " " + i.getPredictions())
        .containsExactly("lab " + P1 + " 5000 7", "acme " + P0 + " 1000 1");
    assertThat(book.overview(1, 75_000).getPeriodsList()).hasSize(1);
  }

  @Test
  void entriesAddedAfterAnOverviewAreInTheNextAndAnOverviewChangesNothing() {
    LedgerBook book = new LedgerBook(charge("u1", 1_000, Booking.onTime(P1)), periods, "EUR");
    Overview open = book.overview(12, 65_000);
    Overview again = book.overview(12, 65_000);
    assertThat(again).isEqualTo(open);
    assertThat(open.getPeriods(0).getPeriod().getClosed()).isFalse();

    charge("u2", 500, Booking.onTime(P1)).forEach(book::add);
    Overview later = book.overview(12, 200_000);

    assertThat(later.getPeriods(0).getRevenueMicros()).isEqualTo(1_500);
    assertThat(later.getPeriods(0).getPeriod().getClosed()).isTrue();
    assertThat(later.getInvoicesList()).singleElement().satisfies(i -> {
      assertThat(i.getAmountMicros()).isEqualTo(1_500);
      assertThat(i.getPredictions()).isEqualTo(2);
      assertThat(i.getPeriod().getClosed()).isTrue();
    });
    assertThat(open.getPeriods(0).getRevenueMicros()).isEqualTo(1_000);
  }

  private static OwnerShare share(String owner) {
    return OwnerShare.newBuilder().setOwnerId(owner).setSharePpm(1_000_000).build();
  }

  private List<LedgerEntry> charge(String eventId, long gross, Booking booking) {
    return posting.post(new Charge(eventId + "/usage", Charge.Kind.USAGE, "consumer:acme",
        "acme", gross, 1, "heart", "v1",
        List.of(OwnerShare.newBuilder().setOwnerId("a").setSharePpm(1_000_000).build()), false,
        booking, eventId, 0));
  }
}
