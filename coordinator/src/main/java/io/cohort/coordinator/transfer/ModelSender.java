package io.cohort.coordinator.transfer;

import com.google.protobuf.UnsafeByteOperations;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.ModelChunk;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Streams one model payload to one client: the manifest, then slices of the shared payload array
 * (wrapped, never copied), sent only while the transport is ready, so a slow client costs no
 * coordinator memory beyond its socket buffers.
 */
public final class ModelSender implements Runnable {

  public static final int CHUNK_BYTES = 1 << 20;

  private final ServerCallStreamObserver<ModelChunk> out;
  private final Manifest manifest;
  private final byte[] payload;
  private boolean manifestSent;
  private int offset;
  private boolean finished;

  private ModelSender(ServerCallStreamObserver<ModelChunk> out, Manifest manifest,
      byte[] payload) {
    this.out = out;
    this.manifest = manifest;
    this.payload = payload;
  }

  /** Starts streaming; must be called from the RPC handler before it returns. */
  public static void start(StreamObserver<ModelChunk> response, Manifest manifest,
      byte[] payload) {
    ServerCallStreamObserver<ModelChunk> out = (ServerCallStreamObserver<ModelChunk>) response;
    ModelSender sender = new ModelSender(out, manifest, payload);
    out.setOnCancelHandler(() -> sender.finished = true);
    out.setOnReadyHandler(sender);
  }

  @Override
  public synchronized void run() {
    while (!finished && out.isReady()) {
      if (!manifestSent) {
        out.onNext(ModelChunk.newBuilder().setManifest(manifest).build());
        manifestSent = true;
        continue;
      }
      if (offset >= payload.length) {
        finished = true;
        out.onCompleted();
        return;
      }
      int len = Math.min(CHUNK_BYTES, payload.length - offset);
      out.onNext(ModelChunk.newBuilder()
          .setData(UnsafeByteOperations.unsafeWrap(payload, offset, len)).build());
      offset += len;
    }
  }
}
