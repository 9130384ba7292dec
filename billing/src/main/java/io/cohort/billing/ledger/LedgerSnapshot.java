package io.cohort.billing.ledger;

import io.cohort.proto.v1.LedgerEntry;
import java.util.List;

/**
 * Every committed entry of the ledger topic at one moment, in topic order per partition.
 *
 * @param entries the entries that could be read
 * @param unreadable one line per record that is not a LedgerCharge ("partition 2 offset 17")
 */
public record LedgerSnapshot(List<LedgerEntry> entries, List<String> unreadable) {

  public LedgerSnapshot {
    entries = List.copyOf(entries);
    unreadable = List.copyOf(unreadable);
  }
}
