package io.cohort.billing.cli;

import com.google.protobuf.util.JsonFormat;
import io.cohort.billing.money.Micros;
import io.cohort.billing.period.Period;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.proto.v1.Statement;
import io.cohort.proto.v1.StatementLine;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code billing statement ACCOUNT [--period P] [--json]}. */
@Command(name = "statement", mixinStandardHelpOptions = true,
    description = "Prints an account's statement for one billing period: lines by entry kind "
        + "and model version, the period total and the closing balance.")
final class StatementCommand extends AccountQuery {

  @Option(names = {"-p", "--period"}, paramLabel = "P",
      description = "Period id, its start as an ISO-8601 UTC instant (e.g. "
          + "2026-11-01T00:00:00Z). Default: the period containing now.")
  String periodId;

  @Override
  int answer(PrintWriter out) throws Exception {
    PeriodClosing periods = billing.periods();
    long now = System.currentTimeMillis();
    Period period;
    try {
      period = periodId == null ? periods.calendar().periodOf(now)
          : periods.calendar().byId(periodId);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    Statement statement = book().statement(account, period, now);
    if (json) {
      out.println(JsonFormat.printer().print(statement));
      out.flush();
      return 0;
    }
    out.printf("statement %s period %s (%s)%n", account, period.id(),
        statement.getPeriod().getClosed() ? "closed" : "open");
    for (StatementLine line : statement.getLinesList()) {
      out.printf("  %-24s %-24s %12d predictions %18s%s%n", line.getKind(),
          line.getFederationId().isEmpty() ? "-" : line.getFederationId() + "/"
              + line.getModelVersion(), line.getPredictions(),
          Micros.format(line.getAmountMicros()), line.getAdjustment() ? " (adjustment)" : "");
    }
    out.printf("  total %s %s, closing balance %s %s%n",
        Micros.format(statement.getTotalMicros()), statement.getCurrency(),
        Micros.format(statement.getClosingBalanceMicros()), statement.getCurrency());
    out.flush();
    return 0;
  }
}
