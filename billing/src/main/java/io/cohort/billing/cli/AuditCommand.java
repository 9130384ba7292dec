package io.cohort.billing.cli;

import io.cohort.billing.audit.LedgerAudit;
import io.cohort.billing.ledger.LedgerReader;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code billing audit}: recomputes the ledger's invariants. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Reads the whole ledger topic and checks: the sum of all entries is zero,",
        "every charge is complete and balanced, no entry (so no event) is booked twice.",
        "Prints 'ok' and exits 0, or prints each violation and exits 1."})
final class AuditCommand implements Callable<Integer> {

  @ParentCommand
  BillingCommand billing;

  @Override
  public Integer call() {
    List<String> violations = LedgerAudit.check(LedgerReader.readAll(billing.kafka,
        billing.timeout));
    if (violations.isEmpty()) {
      System.out.println("ok");
      return 0;
    }
    violations.forEach(System.out::println);
    return 1;
  }
}
