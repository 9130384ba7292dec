package io.cohort.deploy.cli;

import io.cohort.proto.v1.Federation;
import io.cohort.proto.v1.FederationRef;
import io.cohort.proto.v1.OperatorServiceGrpc.OperatorServiceBlockingStub;
import java.util.concurrent.Callable;
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
    description = "Starts, pauses, resumes or stops a federation (audited under your identity).",
    subcommands = {FederationCommand.Start.class, FederationCommand.Pause.class,
        FederationCommand.Resume.class, FederationCommand.Stop.class})
public final class FederationCommand {

  /** One lifecycle action: calls the RPC and prints the federation's new state. */
  abstract static class Action implements Callable<Integer> {

    @Mixin CoordinatorAddress at;

    @Parameters(paramLabel = "ID", description = "Federation id.")
    String id;

    @Spec CommandSpec spec;

    private final BiFunction<OperatorServiceBlockingStub, FederationRef, Federation> rpc;

    Action(BiFunction<OperatorServiceBlockingStub, FederationRef, Federation> rpc) {
      this.rpc = rpc;
    }

    @Override
    public Integer call() {
      try (OperatorClient client = at.connect()) {
        Federation f = client.call(s -> rpc.apply(s, FederationRef.newBuilder()
            .setFederationId(id).build()));
        spec.commandLine().getOut().println("federation " + id + " is " + f.getState());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "CREATED -> RUNNING: rounds begin once enough nodes are connected.")
  static final class Start extends Action {
    Start() {
      super(OperatorServiceBlockingStub::startFederation);
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "RUNNING -> PAUSED: the round in progress finishes, no new round starts.")
  static final class Pause extends Action {
    Pause() {
      super(OperatorServiceBlockingStub::pauseFederation);
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "PAUSED -> RUNNING.")
  static final class Resume extends Action {
    Resume() {
      super(OperatorServiceBlockingStub::resumeFederation);
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "CREATED, RUNNING or PAUSED -> STOPPED: open tasks are cancelled; final.")
  static final class Stop extends Action {
    Stop() {
      super(OperatorServiceBlockingStub::stopFederation);
    }
  }
}
