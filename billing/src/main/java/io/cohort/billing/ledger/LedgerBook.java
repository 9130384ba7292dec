package io.cohort.billing.ledger;

import io.cohort.billing.period.Period;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.proto.v1.Balance;
import io.cohort.proto.v1.EntryKind;
import io.cohort.proto.v1.Invoice;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.Overview;
import io.cohort.proto.v1.PeriodTotals;
import io.cohort.proto.v1.Statement;
import io.cohort.proto.v1.StatementLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Balances and statements computed from ledger entries, indexed by account. Entries can be added
 * as they are read; not thread-safe (guard it when one thread adds and others query).
 */
public final class LedgerBook {

  private final Map<String, List<LedgerEntry>> byAccount = new HashMap<>();
  private final Map<String, Long> balances = new TreeMap<>();
  private final TreeSet<String> periodIds;
  // Money moved and invoices per booked period, kept as entries arrive so that an overview
  // costs the periods it shows, not a scan of the whole ledger.
  private final Map<String, PeriodTotals.Builder> totalsByPeriod = new HashMap<>();
  private final Map<String, Map<String, Invoice.Builder>> invoicesByPeriod = new HashMap<>();
  private final PeriodClosing periods;
  private final String currency;

  public LedgerBook(List<LedgerEntry> entries, PeriodClosing periods, String currency) {
    this.periods = periods;
    this.currency = currency;
    this.periodIds = new TreeSet<>(Comparator.comparingLong(LedgerBook::startOf).reversed());
    entries.forEach(this::add);
  }

  /** Adds one entry read from the ledger. */
  public void add(LedgerEntry entry) {
    byAccount.computeIfAbsent(entry.getAccount(), k -> new ArrayList<>()).add(entry);
    balances.merge(entry.getAccount(), entry.getAmountMicros(), Long::sum);
    periodIds.add(entry.getPeriodId());
    addToPeriod(totalsByPeriod.computeIfAbsent(entry.getPeriodId(),
        k -> PeriodTotals.newBuilder()), invoicesByPeriod.computeIfAbsent(entry.getPeriodId(),
        k -> new TreeMap<>()), entry.getAccount(), entry);
  }

  public String currency() {
    return currency;
  }

  public PeriodClosing periods() {
    return periods;
  }

  /** Sum of the account's entries. */
  public Balance balance(String account) {
    return Balance.newBuilder().setAccount(account)
        .setBalanceMicros(balances.getOrDefault(account, 0L)).setCurrency(currency)
        .setEntries(byAccount.getOrDefault(account, List.of()).size()).build();
  }

  /** Balance of every account that has entries, by account name. */
  public Map<String, Long> balances() {
    return new TreeMap<>(balances);
  }

  /** The account's entries booked in a period (all periods when {@code periodId} is empty). */
  public List<LedgerEntry> entries(String account, String periodId) {
    return byAccount.getOrDefault(account, List.of()).stream()
        .filter(e -> periodId.isEmpty() || e.getPeriodId().equals(periodId)).toList();
  }

  /** Ids of the periods that have entries, newest first. */
  public List<String> periodIds() {
    return new ArrayList<>(periodIds);
  }

  /** The account's statement for a period, as of {@code nowMs} (which decides "closed"). */
  public Statement statement(String account, Period period, long nowMs) {
    Map<String, StatementLine.Builder> lines = new TreeMap<>();
    long total = 0;
    long closing = 0;
    for (LedgerEntry e : byAccount.getOrDefault(account, List.of())) {
      long bookedStart = startOf(e.getPeriodId());
      if (bookedStart <= period.startMs()) {
        closing += e.getAmountMicros();
      }
      if (bookedStart != period.startMs()) {
        continue;
      }
      total += e.getAmountMicros();
      String key = String.format("%02d|%s|%s|%s", e.getKindValue(), e.getFederationId(),
          e.getModelVersion(), e.getAdjustment());
      StatementLine.Builder line = lines.computeIfAbsent(key, k -> StatementLine.newBuilder()
          .setKind(e.getKind()).setFederationId(e.getFederationId())
          .setModelVersion(e.getModelVersion()).setAdjustment(e.getAdjustment()));
      line.setPredictions(line.getPredictions() + e.getPredictions())
          .setAmountMicros(line.getAmountMicros() + e.getAmountMicros())
          .setEntries(line.getEntries() + 1);
    }
    Statement.Builder statement = Statement.newBuilder().setAccount(account)
        .setPeriod(period.toProto(periods.isClosed(period, nowMs))).setCurrency(currency)
        .setTotalMicros(total).setClosingBalanceMicros(closing);
    lines.values().forEach(statement::addLines);
    return statement.build();
  }

  /**
   * Every account's balance and, for the {@code maxPeriods} most recent periods, the money moved
   * and each consumer's invoice, as of {@code nowMs} (which decides "closed").
   */
  public Overview overview(int maxPeriods, long nowMs) {
    Overview.Builder overview = Overview.newBuilder().setCurrency(currency);
    balances.keySet().forEach(account -> overview.addBalances(balance(account)));
    for (String periodId : periodIds().stream().limit(maxPeriods).toList()) {
      Period period;
      try {
        period = periods.calendar().byId(periodId);
      } catch (IllegalArgumentException e) {
        continue; // booked under another period length than this service's
      }
      var asOfNow = period.toProto(periods.isClosed(period, nowMs));
      overview.addPeriods(totalsByPeriod.get(periodId).clone().setPeriod(asOfNow));
      invoicesByPeriod.get(periodId).values().forEach(i -> overview.addInvoices(
          i.clone().setPeriod(asOfNow)));
    }
    return overview.build();
  }

  private static void addToPeriod(PeriodTotals.Builder totals,
      Map<String, Invoice.Builder> invoices, String account, LedgerEntry e) {
    long amount = e.getAmountMicros();
    // predictions are counted once per charge: on the payer's debit
    long predictions = e.getKind() == EntryKind.USAGE_CHARGE ? e.getPredictions() : 0;
    totals.setPredictions(totals.getPredictions() + predictions);
    if (account.equals(Accounts.PLATFORM)) {
      totals.setPlatformMicros(totals.getPlatformMicros() + amount);
    } else if (account.startsWith("owner:")) {
      totals.setRoyaltiesMicros(totals.getRoyaltiesMicros() + amount);
    } else if (account.startsWith("consumer:") || predictions != 0) {
      Invoice.Builder invoice = invoices.computeIfAbsent(e.getConsumerId(),
          id -> Invoice.newBuilder().setConsumerId(id));
      invoice.setPredictions(invoice.getPredictions() + predictions);
      if (account.startsWith("consumer:")) {
        totals.setRevenueMicros(totals.getRevenueMicros() - amount);
        invoice.setAmountMicros(invoice.getAmountMicros() - amount);
      }
    }
  }

  /** Start of a booked period: its id is its start instant, whatever the calendar. */
  private static long startOf(String periodId) {
    return Instant.parse(periodId).toEpochMilli();
  }
}
