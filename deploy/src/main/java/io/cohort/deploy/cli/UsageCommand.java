package io.cohort.deploy.cli;

import io.cohort.billing.ledger.Accounts;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.proto.v1.ApiPlan;
import io.cohort.proto.v1.ConsumerUsage;
import io.cohort.proto.v1.GetUsageRequest;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.LedgerEntry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cohort usage}: the calling key's usage (from the coordinator) and, with {@code --kafka},
 * its current bill (from billing's ledger).
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
    description = "Shows the consumer's usage and, with --kafka, its bill from the ledger.")
public final class UsageCommand implements Callable<Integer> {

  @Mixin ConsumerAddress at;
  @Option(names = "--kafka", defaultValue = "${env:COHORT_KAFKA}", paramLabel = "BOOTSTRAP",
      description = "Kafka bootstrap servers of billing (env COHORT_KAFKA); without it only"
          + " usage is shown.")
  String kafka;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ConsumerUsage u;
    try (ConsumerCalls calls = new ConsumerCalls(at.coordinator, at.channel())) {
      var stub = calls.prepare(InferenceServiceGrpc.newBlockingStub(calls.channel()), at.key);
      u = calls.call(() -> stub.getUsage(GetUsageRequest.getDefaultInstance()));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("consumer " + u.getConsumerId() + " ("
        + (u.getPlan() == ApiPlan.SUBSCRIPTION_PLAN ? "subscription" : "pay per use") + ")");
    out.println("  requests " + u.getRequests() + ", predictions " + u.getPredictions()
        + ", rejected " + u.getRejected() + " (this coordinator process)");
    out.println("  today " + u.getPredictionsToday() + " predictions"
        + (u.getDailyQuota() > 0 ? " of a daily quota of " + u.getDailyQuota() : ""));
    if (kafka != null && !kafka.isEmpty()) {
      long charged = 0;
      long billed = 0;
      String currency = "";
      String account = Accounts.consumer(u.getConsumerId());
      for (LedgerEntry e : LedgerReader.readAll(kafka, Duration.ofSeconds(20)).entries()) {
        if (e.getAccount().equals(account)) {
          charged -= e.getAmountMicros();
          billed += e.getPredictions();
          currency = e.getCurrency();
        }
      }
      out.println("  bill: " + charged + " micro-" + currency + " charged for " + billed
          + " billed predictions (ledger " + account + ")");
    }
    out.flush();
    return 0;
  }
}
