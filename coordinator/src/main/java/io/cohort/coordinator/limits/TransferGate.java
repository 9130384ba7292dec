package io.cohort.coordinator.limits;

import io.cohort.proto.v1.DownloadModelRequest;
import io.cohort.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The bounds on model downloads and update uploads that the task and manifest checks do not
 * already give: id lengths, a rate per caller identity, and the number and size of chunks. One per
 * federation service; thread-safe.
 */
public final class TransferGate {

  private final InputLimits limits;
  private final CallRateLimiter uploads;
  private final CallRateLimiter downloads;

  public TransferGate(InputLimits limits) {
    this.limits = limits;
    this.uploads = new CallRateLimiter("UploadUpdate", limits);
    this.downloads = new CallRateLimiter("DownloadModel", limits);
  }

  /**
   * @throws StatusRuntimeException INVALID_ARGUMENT for an over-long id, RESOURCE_EXHAUSTED past
   *     the caller's rate
   */
  public void admitUpload(UpdateHeader h) {
    limits.checkId("task_id", h.getTaskId());
    limits.checkId("node_id", h.getNodeId());
    limits.checkId("base_version", h.getBaseVersion());
    uploads.acquire(CallerIdentity.current(h.getNodeId()));
  }

  /** As {@link #admitUpload}, for a download request. */
  public void admitDownload(DownloadModelRequest r) {
    limits.checkId("task_id", r.getTaskId());
    limits.checkId("node_id", r.getNodeId());
    limits.checkId("model_version", r.getModelVersion());
    downloads.acquire(CallerIdentity.current(r.getNodeId()));
  }

  /**
   * A data chunk of {@code size} bytes at {@code offset} of a {@code totalBytes} payload must be
   * non-empty and at least the minimum chunk size unless it is the last, which bounds the number
   * of messages an upload may take.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT naming the size and the limit
   */
  public void admitChunk(long offset, int size, long totalBytes) {
    if (size == 0) {
      throw Status.INVALID_ARGUMENT.withDescription("empty data chunk at offset " + offset)
          .asRuntimeException();
    }
    if (size < limits.minChunkBytes() && offset + size < totalBytes) {
      throw Status.INVALID_ARGUMENT.withDescription("data chunk of " + size + " bytes at offset "
          + offset + " is below the minimum of " + limits.minChunkBytes()
          + " bytes; only the last chunk may be smaller").asRuntimeException();
    }
  }
}
