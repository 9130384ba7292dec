package io.cohort.deploy.cli;

import picocli.CommandLine.Option;

/** Which federation an operator command looks at. */
final class FederationOption {

  @Option(names = {"-f", "--federation"}, defaultValue = "${env:COHORT_FEDERATION}",
      description = "Federation id (env COHORT_FEDERATION); optional when the coordinator has"
          + " exactly one.")
  String federation;
}
