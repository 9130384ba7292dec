package io.cohort.billing.cli;

import com.google.protobuf.util.JsonFormat;
import io.cohort.billing.ledger.LedgerBook;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.billing.money.Micros;
import io.cohort.billing.period.Period;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.proto.v1.Statement;
import io.cohort.proto.v1.StatementLine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code billing statement ACCOUNT [--period P] [--json]}. */
@Command(name = "statement", mixinStandardHelpOptions = true,
    description = "Prints an account's statement for one billing period: lines by entry kind "
        + "and model version, the period total and the closing balance.")
final class StatementCommand implements Callable<Integer> {

  @ParentCommand
  BillingCommand billing;

  @Parameters(paramLabel = "ACCOUNT",
      description = "consumer:<id>, owner:<id>, prepaid:<id> or platform.")
  String account;

  @Option(names = {"-p", "--period"}, paramLabel = "P",
      description = "Period id, its start as an ISO-8601 UTC instant (e.g. "
          + "2026-11-01T00:00:00Z). Default: the period containing now.")
  String periodId;

  @Option(names = "--json", description = "Print the Statement message as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!AccountArgument.check(account)) {
      return 2;
    }
    PeriodClosing periods = billing.periods();
    long now = System.currentTimeMillis();
    Period period;
    try {
      period = periodId == null ? periods.calendar().periodOf(now)
          : periods.calendar().byId(periodId);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    LedgerBook book = new LedgerBook(LedgerReader.readAll(billing.kafka, billing.timeout)
        .entries(), periods, billing.currency);
    Statement statement = book.statement(account, period, now);
    if (json) {
      System.out.println(JsonFormat.printer().print(statement));
      return 0;
    }
    System.out.printf("statement %s period %s (%s)%n", account, period.id(),
        statement.getPeriod().getClosed() ? "closed" : "open");
    for (StatementLine line : statement.getLinesList()) {
      System.out.printf("  %-24s %-24s %12d predictions %18s%s%n", line.getKind(),
          line.getFederationId().isEmpty() ? "-" : line.getFederationId() + "/"
              + line.getModelVersion(), line.getPredictions(),
          Micros.format(line.getAmountMicros()), line.getAdjustment() ? " (adjustment)" : "");
    }
    System.out.printf("  total %s %s, closing balance %s %s%n",
        Micros.format(statement.getTotalMicros()), statement.getCurrency(),
        Micros.format(statement.getClosingBalanceMicros()), statement.getCurrency());
    return 0;
  }
}
