package io.cohort.billing.ledger;

import io.cohort.billing.period.Period;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.proto.v1.Balance;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.Statement;
import io.cohort.proto.v1.StatementLine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Balances and statements computed from ledger entries. */
public final class LedgerBook {

  private final List<LedgerEntry> entries;
  private final PeriodClosing periods;
  private final String currency;

  public LedgerBook(List<LedgerEntry> entries, PeriodClosing periods, String currency) {
    this.entries = List.copyOf(entries);
    this.periods = periods;
    this.currency = currency;
  }

  /** Sum of the account's entries. */
  public Balance balance(String account) {
    long sum = 0;
    long count = 0;
    for (LedgerEntry e : entries) {
      if (e.getAccount().equals(account)) {
        sum += e.getAmountMicros();
        count++;
      }
    }
    return Balance.newBuilder().setAccount(account).setBalanceMicros(sum).setCurrency(currency)
        .setEntries(count).build();
  }

  /** Balance of every account that has entries, by account name. */
  public Map<String, Long> balances() {
    Map<String, Long> balances = new TreeMap<>();
    for (LedgerEntry e : entries) {
      balances.merge(e.getAccount(), e.getAmountMicros(), Long::sum);
    }
    return balances;
  }

  /** The account's entries booked in a period (all periods when {@code periodId} is empty). */
  public List<LedgerEntry> entries(String account, String periodId) {
    return entries.stream().filter(e -> e.getAccount().equals(account))
        .filter(e -> periodId.isEmpty() || e.getPeriodId().equals(periodId)).toList();
  }

  /** Ids of the periods that have entries, newest first. */
  public List<String> periodIds() {
    TreeSet<String> ids = new TreeSet<>(Comparator.comparingLong(
        (String id) -> periods.calendar().byId(id).startMs()).reversed());
    entries.forEach(e -> ids.add(e.getPeriodId()));
    return new ArrayList<>(ids);
  }

  /** The account's statement for a period, as of {@code nowMs} (which decides "closed"). */
  public Statement statement(String account, Period period, long nowMs) {
    Map<String, StatementLine.Builder> lines = new TreeMap<>();
    long total = 0;
    long closing = 0;
    for (LedgerEntry e : entries) {
      if (!e.getAccount().equals(account)) {
        continue;
      }
      long bookedStart = periods.calendar().byId(e.getPeriodId()).startMs();
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
}
