package io.cohort.edge.session;

import io.cohort.model.codec.PayloadDecoder;
import io.cohort.model.codec.PayloadException;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.DownloadModelRequest;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.ModelChunk;
import io.cohort.proto.v1.Task;
import io.grpc.stub.ClientCalls;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/** Downloads a model version for a task, verifying size, values and checksum as it streams. */
final class ModelDownloader {

  private ModelDownloader() {}

  /** The parameters in the manifest's layout, which must equal {@code expected}. */
  static float[] download(FederationServiceGrpc.FederationServiceBlockingStub stub, Task task,
      String nodeId, ParameterLayout expected) {
    FederationServiceGrpc.FederationServiceBlockingStub bounded = boundedByTask(stub, task);
    Iterator<ModelChunk> chunks = bounded.downloadModel(request(task, nodeId));
    if (!chunks.hasNext()) {
      throw new PayloadException("model stream was empty");
    }
    ModelChunk first = chunks.next();
    Manifest manifest = checkedManifest(first.hasManifest() ? first.getManifest() : null, task,
        expected);
    PayloadDecoder decoder = new PayloadDecoder(manifest.getEncoding(), expected.totalElements(),
        null);
    while (chunks.hasNext()) {
      ModelChunk c = chunks.next();
      for (ByteBuffer part : c.getData().asReadOnlyByteBufferList()) {
        decoder.accept(part); // no intermediate byte[] per chunk
      }
    }
    return decoder.finish(manifest.getSha256());
  }

  /**
   * Takes the task's model stream without decoding it, for work that does not use the global
   * parameters (a simulated node): checks the manifest against {@code expected} and the byte
   * count only.
   */
  static void skim(FederationServiceGrpc.FederationServiceBlockingStub stub, Task task,
      String nodeId, ParameterLayout expected) {
    FederationServiceGrpc.FederationServiceBlockingStub bounded = boundedByTask(stub, task);
    Iterator<ChunkSizes.Part> parts = ClientCalls.blockingServerStreamingCall(
        bounded.getChannel(), ChunkSizes.METHOD, bounded.getCallOptions(), request(task, nodeId));
    if (!parts.hasNext()) {
      throw new PayloadException("model stream was empty");
    }
    Manifest manifest = checkedManifest(parts.next().manifest(), task, expected);
    long received = 0;
    while (parts.hasNext()) {
      received += parts.next().dataBytes();
    }
    if (received != manifest.getTotalBytes()) {
      throw new PayloadException("model stream held " + received + " bytes, its manifest "
          + manifest.getTotalBytes());
    }
  }

  private static FederationServiceGrpc.FederationServiceBlockingStub boundedByTask(
      FederationServiceGrpc.FederationServiceBlockingStub stub, Task task) {
    long timeout = Math.max(1_000, task.getDeadlineMs() - System.currentTimeMillis());
    return stub.withDeadlineAfter(timeout, TimeUnit.MILLISECONDS);
  }

  private static DownloadModelRequest request(Task task, String nodeId) {
    return DownloadModelRequest.newBuilder().setTaskId(task.getTaskId())
        .setModelVersion(task.getModelVersion()).setNodeId(nodeId).build();
  }

  private static Manifest checkedManifest(Manifest manifest, Task task,
      ParameterLayout expected) {
    if (manifest == null) {
      throw new PayloadException("model stream did not start with a manifest");
    }
    ParameterLayout layout = ParameterLayout.fromManifest(manifest);
    if (!layout.equals(expected)) {
      throw new PayloadException("model " + task.getModelVersion() + " has tensors " + layout
          + ", this node's model needs " + expected);
    }
    return manifest;
  }
}
