package io.cohort.coordinator.transfer;

import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.Hello;
import io.cohort.proto.v1.ServerMessage;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.Queue;

/** A node's session opened by hand in tests: hello sent, the coordinator's messages queued. */
public final class TestNodeSession {

  private TestNodeSession() {}

  /**
   * Opens a session of node {@code nodeId} (50 training examples, schema fingerprint "s") in
   * federation "fed"; everything the coordinator sends goes to {@code inbox}.
   */
  public static StreamObserver<ClientMessage> open(ManagedChannel channel, String nodeId,
      int inputFeatures, Queue<ServerMessage> inbox) {
    StreamObserver<ClientMessage> session = FederationServiceGrpc.newStub(channel)
        .session(new StreamObserver<>() {
          @Override
          public void onNext(ServerMessage m) {
            inbox.add(m);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    session.onNext(ClientMessage.newBuilder().setHello(Hello.newBuilder().setFederationId("fed")
        .setNodeId(nodeId).setDataset(DatasetSummary.newBuilder().setTrainExamples(50)
            .setSchemaFingerprint("s").setInputFeatures(inputFeatures))).build());
    return session;
  }
}
