package io.cohort.billing.cli;

import com.google.protobuf.util.JsonFormat;
import io.cohort.billing.money.Micros;
import io.cohort.proto.v1.Balance;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code billing balance ACCOUNT [--json]}: an account's balance, read from the ledger topic. */
@Command(name = "balance", mixinStandardHelpOptions = true,
    description = "Prints an account's balance: the sum of its ledger entries. Positive: earned "
        + "or owed to the account; negative: the account owes.")
final class BalanceCommand extends AccountQuery {

  @Override
  int answer(PrintWriter out) throws Exception {
    Balance balance = book().balance(account);
    if (json) {
      out.println(JsonFormat.printer().print(balance));
    } else {
      out.printf("%s %s %s (%d entries)%n", account, Micros.format(balance.getBalanceMicros()),
          balance.getCurrency(), balance.getEntries());
    }
    out.flush();
    return 0;
  }
}
