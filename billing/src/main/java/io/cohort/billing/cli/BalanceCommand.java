package io.cohort.billing.cli;

import com.google.protobuf.util.JsonFormat;
import io.cohort.billing.ledger.LedgerBook;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.billing.money.Micros;
import io.cohort.proto.v1.Balance;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code billing balance ACCOUNT}: an account's balance, read from the ledger topic. */
@Command(name = "balance", mixinStandardHelpOptions = true,
    description = "Prints an account's balance: the sum of its ledger entries. Positive: earned "
        + "or owed to the account; negative: the account owes.")
final class BalanceCommand implements Callable<Integer> {

  @ParentCommand
  BillingCommand billing;

  @Parameters(paramLabel = "ACCOUNT",
      description = "consumer:<id>, owner:<id>, prepaid:<id> or platform.")
  String account;

  @Option(names = "--json", description = "Print the Balance message as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!AccountArgument.check(account)) {
      return 2;
    }
    LedgerBook book = new LedgerBook(LedgerReader.readAll(billing.kafka, billing.timeout)
        .entries(), billing.periods(), billing.currency);
    Balance balance = book.balance(account);
    if (json) {
      System.out.println(JsonFormat.printer().print(balance));
    } else {
      System.out.printf("%s %s %s (%d entries)%n", account,
          Micros.format(balance.getBalanceMicros()), balance.getCurrency(), balance.getEntries());
    }
    return 0;
  }
}
