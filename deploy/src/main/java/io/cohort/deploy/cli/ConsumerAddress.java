package io.cohort.deploy.cli;

import io.cohort.model.identity.Pem;
import io.cohort.model.identity.TlsChannels;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the consumer commands find the coordinator, and the API key they show. Consumers hold an
 * API key, not a certificate:
 * the connection is TLS that checks the coordinator against the federation's CA certificate, or
 * plaintext only with an explicit {@code --insecure}.
 */
final class ConsumerAddress {

  @Option(names = "--coordinator", defaultValue = "${env:COHORT_COORDINATOR:-127.0.0.1:7400}",
      description = "Coordinator gRPC address host:port (env COHORT_COORDINATOR, default"
          + " ${DEFAULT-VALUE}).")
  String coordinator;

  @Option(names = "--key", required = true, defaultValue = "${env:COHORT_API_KEY}",
      description = "API key (env COHORT_API_KEY).")
  String key;

  @Option(names = "--ca", defaultValue = "${env:COHORT_CA}", paramLabel = "FILE",
      description = "The federation's CA certificate (ca.pem from 'cohort provision') that the"
          + " coordinator's certificate must chain to (env COHORT_CA). Required unless --insecure.")
  Path ca;

  @Option(names = "--insecure", description = "Plaintext gRPC to a coordinator started with"
      + " --insecure; the API key then crosses the network in clear. Local experiments only.")
  boolean insecure;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  ManagedChannel channel() {
    if (insecure == (ca != null)) {
      throw new IllegalArgumentException(insecure ? "--insecure and --ca (or COHORT_CA) are both"
          + " set: choose one" : "no CA certificate: pass --ca FILE (the federation's ca.pem, or"
          + " env COHORT_CA), or --insecure for a plaintext coordinator");
    }
    if (insecure) {
      command.commandLine().getErr().println("cohort: WARNING: --insecure: plaintext gRPC; your"
          + " API key is sent in clear");
      command.commandLine().getErr().flush();
      return TlsChannels.forTarget(coordinator, null).build();
    }
    return TlsChannels.serverTls(coordinator, Pem.certificate(ca)).build();
  }
}
