package io.cohort.deploy.cli;

import io.cohort.edge.cli.CredentialsOptions;
import io.cohort.model.identity.Role;
import io.cohort.model.identity.TlsChannels;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the operator commands find the coordinator, and the operator certificate they show. */
final class CoordinatorAddress {

  @Option(names = "--coordinator", defaultValue = "${env:COHORT_COORDINATOR:-127.0.0.1:7400}",
      description = "Coordinator gRPC address host:port (env COHORT_COORDINATOR, default"
          + " ${DEFAULT-VALUE}).")
  String coordinator;

  @Mixin
  CredentialsOptions security;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** A channel with the operator certificate (plaintext when {@code --insecure}). */
  ManagedChannel channel() {
    return TlsChannels.forTarget(coordinator, security.load(Role.OPERATOR,
        command.commandLine().getErr())).build();
  }

  OperatorClient connect() {
    return new OperatorClient(coordinator, channel());
  }
}
