package io.cohort.billing.ledger;

import io.cohort.proto.v1.LedgerCharge;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.Posting;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-account entries derived from ledger records: posting {@code i} of a charge is the entry
 * {@code "<charge_id>#<i>"}. The topic holds one record per charge (cheap to write, balanced on
 * its own); balances, statements and the audit work per account, on entries.
 */
public final class LedgerCharges {

  private LedgerCharges() {}

  /** The charge's entries, in posting order. */
  public static List<LedgerEntry> entries(LedgerCharge charge) {
    int count = charge.getPostingsCount();
    List<LedgerEntry> entries = new ArrayList<>(count);
    LedgerEntry.Builder entry = LedgerEntry.newBuilder()
        .setChargeId(charge.getChargeId())
        .setEntryCount(count)
        .setCurrency(charge.getCurrency())
        .setPeriodId(charge.getPeriodId())
        .setAdjustment(charge.getAdjustment())
        .setOriginalPeriodId(charge.getOriginalPeriodId())
        .setSourceEventId(charge.getSourceEventId())
        .setConsumerId(charge.getConsumerId())
        .setFederationId(charge.getFederationId())
        .setModelVersion(charge.getModelVersion())
        .setPredictions(charge.getPredictions())
        .setEventTimeMs(charge.getEventTimeMs());
    for (int i = 0; i < count; i++) {
      Posting posting = charge.getPostings(i);
      entries.add(entry.setEntryId(charge.getChargeId() + "#" + i).setEntryIndex(i)
          .setAccount(posting.getAccount()).setAmountMicros(posting.getAmountMicros())
          .setKind(posting.getKind()).build());
    }
    return entries;
  }
}
