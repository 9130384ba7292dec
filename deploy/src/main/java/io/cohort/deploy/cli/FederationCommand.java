package io.cohort.deploy.cli;

import io.cohort.proto.v1.Federation;
import io.cohort.proto.v1.FederationRef;
import io.cohort.proto.v1.OperatorServiceGrpc.OperatorServiceBlockingStub;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cohort federation start|pause|resume|stop ID}. A state that does not allow the action,
 * or an unknown id, is refused by the coordinator: one line, exit code 2, nothing changes.
 */
@Command(name = "federation", mixinStandardHelpOptions = true,
    description = "Starts, pauses, resumes or stops a federation (audited as \"operator\").")
public final class FederationCommand {

  @Spec CommandSpec spec;

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "CREATED -> RUNNING: rounds begin once enough nodes are connected.")
  int start(@Mixin CoordinatorAddress at, @Parameters(paramLabel = "ID",
      description = "Federation id.") String id) {
    return act(at, id, OperatorServiceBlockingStub::startFederation);
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "RUNNING -> PAUSED: the round in progress finishes, no new round starts.")
  int pause(@Mixin CoordinatorAddress at, @Parameters(paramLabel = "ID",
      description = "Federation id.") String id) {
    return act(at, id, OperatorServiceBlockingStub::pauseFederation);
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "PAUSED -> RUNNING.")
  int resume(@Mixin CoordinatorAddress at, @Parameters(paramLabel = "ID",
      description = "Federation id.") String id) {
    return act(at, id, OperatorServiceBlockingStub::resumeFederation);
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "CREATED, RUNNING or PAUSED -> STOPPED: open tasks are cancelled; final.")
  int stop(@Mixin CoordinatorAddress at, @Parameters(paramLabel = "ID",
      description = "Federation id.") String id) {
    return act(at, id, OperatorServiceBlockingStub::stopFederation);
  }

  private int act(CoordinatorAddress at, String id,
      BiFunction<OperatorServiceBlockingStub, FederationRef, Federation> rpc) {
    try (OperatorClient client = at.connect()) {
      Federation f = client.call(s -> rpc.apply(s, FederationRef.newBuilder()
          .setFederationId(id).build()));
      spec.commandLine().getOut().println("federation " + id + " is " + f.getState());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
