package io.cohort.billing.cli;

import io.cohort.billing.audit.LedgerAudit;
import io.cohort.billing.ledger.LedgerReader;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code billing audit}: recomputes the ledger's invariants. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    header = "Audits the whole ledger: zero sum, balanced charges, nothing booked twice.",
    description = {"Reads the whole ledger topic and checks: the sum of all entries is zero,",
        "every charge is complete and balanced, no entry (so no event) is booked twice.",
        "Prints 'ok' and exits 0, or prints each violation and exits 1."})
final class AuditCommand implements Callable<Integer> {

  @ParentCommand
  BillingCommand billing;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    List<String> violations = LedgerAudit.check(LedgerReader.readAll(billing.kafka,
        billing.timeout));
    PrintWriter out = spec.commandLine().getOut();
    if (violations.isEmpty()) {
      out.println("ok");
    } else {
      violations.forEach(out::println);
    }
    out.flush();
    return violations.isEmpty() ? 0 : 1;
  }
}
