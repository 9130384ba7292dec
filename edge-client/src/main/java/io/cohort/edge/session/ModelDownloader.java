package io.cohort.edge.session;

import io.cohort.model.codec.PayloadDecoder;
import io.cohort.model.codec.PayloadException;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.DownloadModelRequest;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.ModelChunk;
import io.cohort.proto.v1.Task;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/** Downloads a model version for a task, verifying size, values and checksum as it streams. */
final class ModelDownloader {

  private ModelDownloader() {}

  /** The parameters in the manifest's layout, which must equal {@code expected}. */
  static float[] download(FederationServiceGrpc.FederationServiceBlockingStub stub, Task task,
      String nodeId, ParameterLayout expected) {
    long timeout = Math.max(1_000, task.getDeadlineMs() - System.currentTimeMillis());
    Iterator<ModelChunk> chunks = stub.withDeadlineAfter(timeout, TimeUnit.MILLISECONDS)
        .downloadModel(DownloadModelRequest.newBuilder().setTaskId(task.getTaskId())
            .setModelVersion(task.getModelVersion()).setNodeId(nodeId).build());
    if (!chunks.hasNext()) {
      throw new PayloadException("model stream was empty");
    }
    ModelChunk first = chunks.next();
    if (!first.hasManifest()) {
      throw new PayloadException("model stream did not start with a manifest");
    }
    Manifest manifest = first.getManifest();
    ParameterLayout layout = ParameterLayout.fromManifest(manifest);
    if (!layout.equals(expected)) {
      throw new PayloadException("model " + task.getModelVersion() + " has tensors " + layout
          + ", this node's model needs " + expected);
    }
    PayloadDecoder decoder = new PayloadDecoder(manifest.getEncoding(), layout.totalElements(),
        null);
    while (chunks.hasNext()) {
      ModelChunk c = chunks.next();
      for (ByteBuffer part : c.getData().asReadOnlyByteBufferList()) {
        decoder.accept(part); // no intermediate byte[] per chunk
      }
    }
    return decoder.finish(manifest.getSha256());
  }
}
