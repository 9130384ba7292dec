package io.cohort.billing.cli;

import io.cohort.billing.ledger.Accounts;
import io.cohort.billing.ledger.LedgerBook;
import io.cohort.billing.ledger.LedgerReader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A query about one account, answered from the ledger topic. */
abstract class AccountQuery implements Callable<Integer> {

  @ParentCommand
  BillingCommand billing;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "ACCOUNT",
      description = "consumer:<id>, owner:<id>, prepaid:<id> or platform.")
  String account;

  @Option(names = "--json", description = "Print the answer as JSON (the protobuf message).")
  boolean json;

  @Override
  public final Integer call() throws Exception {
    if (!Accounts.isValid(account)) {
      spec.commandLine().getErr().println("not an account: '" + account
          + "'; use consumer:<id>, owner:<id>, prepaid:<id> or platform");
      return 2;
    }
    return answer(spec.commandLine().getOut());
  }

  /** Answers the query for {@link #account}; returns the exit code. */
  abstract int answer(PrintWriter out) throws Exception;

  LedgerBook book() {
    return new LedgerBook(LedgerReader.readAll(billing.kafka, billing.timeout).entries(),
        billing.periods(), billing.currency);
  }
}
