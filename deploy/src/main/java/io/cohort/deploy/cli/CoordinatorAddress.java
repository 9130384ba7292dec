package io.cohort.deploy.cli;

import picocli.CommandLine.Option;

/** Where the operator commands find the coordinator. */
final class CoordinatorAddress {

  @Option(names = "--coordinator", defaultValue = "${env:COHORT_COORDINATOR:-127.0.0.1:7400}",
      description = "Coordinator gRPC address host:port (env COHORT_COORDINATOR, default"
          + " ${DEFAULT-VALUE}). Calls are identified as \"operator\" until mutual TLS lands.")
  String coordinator;

  OperatorClient connect() {
    return new OperatorClient(coordinator);
  }
}
