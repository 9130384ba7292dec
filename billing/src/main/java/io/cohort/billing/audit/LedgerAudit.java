package io.cohort.billing.audit;

import io.cohort.billing.ledger.Accounts;
import io.cohort.billing.ledger.LedgerSnapshot;
import io.cohort.billing.money.Micros;
import io.cohort.proto.v1.LedgerEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Recomputes the ledger's invariants from its entries, as {@code cohort billing audit} does:
 * <ul>
 *   <li>every record is a readable LedgerCharge with a well-formed account;</li>
 *   <li>no entry id appears twice (a charge, and so an event, is never booked twice);</li>
 *   <li>every charge is complete (entries 0..count-1 all present) and sums to exactly zero, in
 *       one currency;</li>
 *   <li>the sum of all entries is exactly zero.</li>
 * </ul>
 * An empty result means the ledger is sound.
 */
public final class LedgerAudit {

  private LedgerAudit() {}

  /** The violations found, one readable line each; empty when there are none. */
  public static List<String> check(LedgerSnapshot ledger) {
    List<String> violations = new ArrayList<>();
    for (String where : ledger.unreadable()) {
      violations.add("unreadable ledger record at " + where);
    }
    Map<String, Integer> entryIds = new HashMap<>();
    Map<String, List<LedgerEntry>> charges = new TreeMap<>();
    long total = 0;
    for (LedgerEntry e : ledger.entries()) {
      total += e.getAmountMicros();
      entryIds.merge(e.getEntryId(), 1, Integer::sum);
      charges.computeIfAbsent(e.getChargeId(), k -> new ArrayList<>()).add(e);
      if (!Accounts.isValid(e.getAccount())) {
        violations.add("entry " + e.getEntryId() + " has a malformed account '" + e.getAccount()
            + "'");
      }
    }
    new TreeMap<>(entryIds).forEach((id, n) -> {
      if (n > 1) {
        violations.add("entry " + id + " appears " + n + " times (charged more than once)");
      }
    });
    charges.forEach((chargeId, entries) -> checkCharge(chargeId, entries, violations));
    if (total != 0) {
      violations.add("sum of all entries is " + Micros.format(total) + ", not 0");
    }
    return violations;
  }

  private static void checkCharge(String chargeId, List<LedgerEntry> entries,
      List<String> violations) {
    long sum = 0;
    TreeSet<Integer> indexes = new TreeSet<>();
    TreeSet<String> currencies = new TreeSet<>();
    int expected = entries.get(0).getEntryCount();
    for (LedgerEntry e : entries) {
      sum += e.getAmountMicros();
      indexes.add(e.getEntryIndex());
      currencies.add(e.getCurrency());
      if (e.getEntryCount() != expected) {
        expected = -1;
      }
    }
    if (expected < 1 || indexes.size() != expected || indexes.first() != 0
        || indexes.last() != expected - 1) {
      violations.add("charge " + chargeId + " is incomplete: entries " + indexes + " of "
          + entries.get(0).getEntryCount());
    }
    if (sum != 0) {
      violations.add("charge " + chargeId + " does not balance: sums to " + Micros.format(sum));
    }
    if (currencies.size() > 1) {
      violations.add("charge " + chargeId + " mixes currencies " + currencies);
    }
  }
}
