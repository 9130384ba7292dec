package io.cohort.edge.session;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A coordinator in its own JVM for crash tests: {@code <port> <data-dir> <spec-json>}. Creates and
 * starts the federation if the journal does not know it yet, then serves until killed.
 */
public final class CoordinatorProcess {

  private CoordinatorProcess() {}

  public static void main(String[] args) throws Exception {
    FederationSpec.Builder spec = FederationSpec.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(args[2], spec);
    CoordinatorServer server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1",
        Integer.parseInt(args[0]), Path.of(args[1]), 300, 2), List.of()).start();
    Federation f = server.federations().get(spec.getFederationId())
        .orElseGet(() -> server.federations().create(spec.build()));
    if (f.state() == FederationState.CREATED) {
      f.start();
    }
    System.out.println("READY " + f.completedRounds());
    new CountDownLatch(1).await();
  }
}
