package io.cohort.edge.session;

import com.google.protobuf.UnsafeByteOperations;
import io.cohort.model.codec.EncodedPayload;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.UpdateChunk;
import io.cohort.proto.v1.UpdateData;
import io.cohort.proto.v1.UpdateHeader;
import io.cohort.proto.v1.UpdateTrailer;
import io.cohort.proto.v1.UploadReceipt;
import io.cohort.edge.task.TrainOutcome;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Uploads an update as header, chunks and trailer, sending a chunk only when the transport is
 * ready (flow control), so a large update never piles up in memory.
 */
final class UpdateUploader {

  static final int CHUNK_BYTES = 1 << 20;

  private UpdateUploader() {}

  static UploadReceipt upload(FederationServiceGrpc.FederationServiceStub stub, Task task,
      String nodeId, ParameterLayout trainable, TrainOutcome outcome, EncodedPayload encoded)
      throws Exception {
    byte[] payload = encoded.bytes();
    // CRC-32C, not SHA-256: the coordinator verifies every byte of every client's upload.
    int crc = encoded.crc32c();
    Manifest manifest = trainable.toManifest(encoded.encoding(), null).toBuilder().setCrc32C(crc)
        .build();
    CompletableFuture<UploadReceipt> result = new CompletableFuture<>();
    Object ready = new Object();
    ClientResponseObserver<UpdateChunk, UploadReceipt> observer =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<UpdateChunk> requestStream) {
            requestStream.setOnReadyHandler(() -> {
              synchronized (ready) {
                ready.notifyAll();
              }
            });
          }

          @Override
          public void onNext(UploadReceipt value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
            synchronized (ready) {
              ready.notifyAll();
            }
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(new IllegalStateException("upload ended without receipt"));
          }
        };
    long timeout = Math.max(1_000, task.getDeadlineMs() - System.currentTimeMillis());
    ClientCallStreamObserver<UpdateChunk> out = (ClientCallStreamObserver<UpdateChunk>)
        stub.withDeadlineAfter(timeout, TimeUnit.MILLISECONDS).uploadUpdate(observer);
    out.onNext(UpdateChunk.newBuilder().setHeader(UpdateHeader.newBuilder()
        .setTaskId(task.getTaskId()).setNodeId(nodeId).setRound(task.getRound())
        .setBaseVersion(task.getModelVersion()).setSampleCount(outcome.samples())
        .setManifest(manifest).setTrainMetrics(outcome.trainMetrics())
        .setEpsilonSpent(outcome.epsilonSpent())).build());
    for (int off = 0; off < payload.length && !result.isDone(); off += CHUNK_BYTES) {
      synchronized (ready) {
        while (!out.isReady() && !result.isDone()) {
          ready.wait(100);
        }
      }
      int len = Math.min(CHUNK_BYTES, payload.length - off);
      out.onNext(UpdateChunk.newBuilder().setData(UpdateData.newBuilder().setOffset(off)
          .setData(UnsafeByteOperations.unsafeWrap(payload, off, len))).build()); // never modified
    }
    if (!result.isDone()) {
      out.onNext(UpdateChunk.newBuilder().setTrailer(UpdateTrailer.newBuilder().setCrc32C(crc))
          .build());
      out.onCompleted();
    }
    try {
      return result.get(timeout + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      out.cancel("upload timed out", e);
      throw e;
    }
  }
}
