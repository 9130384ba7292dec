package io.cohort.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.proto.v1.ListRoundsResponse;
import io.cohort.proto.v1.RoundSummary;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cohort rounds}: the finished rounds of a federation. */
@Command(name = "rounds", mixinStandardHelpOptions = true,
    description = "Lists a federation's finished round attempts with their global metrics.")
public final class RoundsCommand extends OperatorQuery {

  @Mixin FederationOption which;

  @Override
  void query(OperatorClient client, PrintWriter out) throws InvalidProtocolBufferException {
    String id = client.federationId(which.federation);
    ListRoundsResponse rounds = client.call(s -> s.listRounds(StatusCommand.ref(id)));
    if (!printedAsJson(rounds, out)) {
      Table t = new Table("ROUND>", "ATTEMPT>", "OUTCOME", "PARTICIPANTS>", "DROPPED", "LOSS>",
          "ACCURACY>", "AUC>", "TRAIN_LOSS>", "DURATION_S>", "VERSION");
      for (RoundSummary r : rounds.getRoundsList()) {
        t.row(r.getRound(), r.getAttempt(), r.getOutcome(), r.getParticipantsCount(),
            r.getDroppedCount() == 0 ? "-" : String.join(",", r.getDroppedList()),
            r.hasGlobal() ? Table.metric(r.getGlobal().getLoss()) : "-",
            r.hasGlobal() ? Table.metric(r.getGlobal().getAccuracy()) : "-",
            r.hasGlobal() ? Table.metric(r.getGlobal().getAuc()) : "-",
            r.getOutcome() == io.cohort.proto.v1.RoundOutcome.SUCCEEDED
                ? Table.metric(r.getTrainLoss()) : "-",
            String.format(Locale.ROOT, "%.1f", r.getDurationMs() / 1000.0),
            r.getModelVersion().isEmpty() ? "-" : r.getModelVersion());
      }
      if (t.isEmpty()) {
        out.println("federation " + id + " has no finished rounds yet");
      } else {
        t.print(out);
      }
    }
  }
}
