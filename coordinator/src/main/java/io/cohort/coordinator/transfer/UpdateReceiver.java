package io.cohort.coordinator.transfer;

import io.cohort.coordinator.audit.NodeEvents;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.limits.InputLimits;
import io.cohort.coordinator.limits.TransferGate;
import io.cohort.coordinator.round.RoundTasks;
import io.cohort.coordinator.round.TaskBoard;
import io.cohort.coordinator.round.TaskRecord;
import io.cohort.model.codec.PayloadChecksum;
import io.cohort.model.codec.PayloadChecksumException;
import io.cohort.model.codec.PayloadDecoder;
import io.cohort.model.codec.PayloadException;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.TaskKind;
import io.cohort.proto.v1.UpdateChunk;
import io.cohort.proto.v1.UpdateData;
import io.cohort.proto.v1.UpdateHeader;
import io.cohort.proto.v1.UpdateTrailer;
import io.cohort.proto.v1.UploadReceipt;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One update upload, validated while it streams: the header against the task it answers, every
 * chunk against the manifest (order, size, finite values), the trailer against the checksum and
 * the norm bound. Only a complete, verified update reaches the round aggregate, exactly once per
 * task; any refusal leaves the round unchanged and answers with a status that names the problem.
 */
public final class UpdateReceiver implements StreamObserver<UpdateChunk> {

  private static final Logger log = LoggerFactory.getLogger(UpdateReceiver.class);
  /** Largest data slice accepted in one message. */
  public static final int MAX_CHUNK_BYTES = 4 << 20;

  private final Federations federations;
  private final Function<Federation, StagingBuffers> staging;
  private final StreamObserver<UploadReceipt> response;
  private final NodeEvents events;
  private final TransferGate gate;

  private enum Stage { HEADER, DATA, DONE }

  private Stage stage = Stage.HEADER;
  private UpdateHeader header;
  private TaskBoard.Entry entry;
  private StagingBuffers pool;
  private float[] buffer;
  private PayloadDecoder decoder;
  private long nextOffset;

  public UpdateReceiver(Federations federations, Function<Federation, StagingBuffers> staging,
      StreamObserver<UploadReceipt> response) {
    this(federations, staging, response, NodeEvents.unobserved());
  }

  /** As below, with the default input limits and a gate of its own. */
  public UpdateReceiver(Federations federations, Function<Federation, StagingBuffers> staging,
      StreamObserver<UploadReceipt> response, NodeEvents events) {
    this(federations, staging, response, events, new TransferGate(InputLimits.DEFAULTS));
  }

  /** Reporting verified and refused uploads to {@code events}, bounded by {@code gate}. */
  public UpdateReceiver(Federations federations, Function<Federation, StagingBuffers> staging,
      StreamObserver<UploadReceipt> response, NodeEvents events, TransferGate gate) {
    this.gate = gate;
    this.federations = federations;
    this.staging = staging;
    this.response = response;
    this.events = events;
  }

  @Override
  public void onNext(UpdateChunk chunk) {
    if (stage == Stage.DONE) {
      return;
    }
    try {
      switch (chunk.getKindCase()) {
        case HEADER -> onHeader(chunk.getHeader());
        case DATA -> onData(chunk.getData());
        case TRAILER -> onTrailer(chunk.getTrailer());
        default -> throw invalid("upload message has no header, data or trailer");
      }
    } catch (StatusRuntimeException e) {
      refuse(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refuse(Status.UNAVAILABLE.withDescription("coordinator shutting down").asRuntimeException());
    }
  }

  private void onHeader(UpdateHeader h) throws InterruptedException {
    if (stage != Stage.HEADER) {
      throw invalid("second header in one upload");
    }
    gate.admitUpload(h); // id lengths, rate per caller
    header = h;
    entry = federations.tasks().find(h.getTaskId()).orElseThrow(() -> Status.NOT_FOUND
        .withDescription("unknown task '" + h.getTaskId() + "': tasks from before a coordinator"
            + " restart are void; wait for a new task").asRuntimeException());
    TaskRecord task = entry.task();
    if (task.kind() != TaskKind.TRAIN) {
      throw invalid("task " + task.taskId() + " is an evaluation task; it takes no update");
    }
    if (!task.nodeId().equals(h.getNodeId())) {
      throw Status.PERMISSION_DENIED.withDescription("task " + task.taskId()
          + " is not assigned to node '" + h.getNodeId() + "'").asRuntimeException();
    }
    if (h.getRound() != task.round()) {
      throw Status.FAILED_PRECONDITION.withDescription("stale round: update is for round "
          + h.getRound() + " but task " + task.taskId() + " belongs to round " + task.round())
          .asRuntimeException();
    }
    if (!h.getBaseVersion().equals(task.modelVersion())) {
      throw Status.FAILED_PRECONDITION.withDescription("update was trained from version '"
          + h.getBaseVersion() + "' but task " + task.taskId() + " assigned version "
          + task.modelVersion()).asRuntimeException();
    }
    if (h.getSampleCount() <= 0) {
      throw invalid("sample_count must be positive, got " + h.getSampleCount());
    }
    Federation federation = federations.get(task.federationId()).orElseThrow(() ->
        Status.NOT_FOUND.withDescription("federation " + task.federationId() + " is gone")
            .asRuntimeException());
    if (h.getManifest().getEncoding() != federation.spec().getUpdateEncoding()) {
      throw invalid("update encoding " + h.getManifest().getEncoding()
          + " differs from the federation's " + federation.spec().getUpdateEncoding());
    }
    ParameterLayout expected = federation.trainableLayout();
    ParameterLayout declared;
    try {
      declared = ParameterLayout.fromManifest(h.getManifest());
    } catch (IllegalArgumentException e) {
      throw invalid("bad manifest: " + e.getMessage());
    }
    if (!declared.equals(expected)) {
      throw invalid("update tensors " + declared + " do not match the model's trainable tensors "
          + expected);
    }
    long expectedBytes = (long) expected.totalElements()
        * ParameterLayout.bytesPerElement(h.getManifest().getEncoding());
    if (h.getManifest().getTotalBytes() != expectedBytes) {
      throw invalid("manifest total_bytes " + h.getManifest().getTotalBytes() + " should be "
          + expectedBytes);
    }
    if (entry.phase().refusal(task) != null && !isRetryCandidate(task)) {
      throw Status.FAILED_PRECONDITION.withDescription(entry.phase().refusal(task))
          .asRuntimeException();
    }
    if (isRetryCandidate(task) && federation.completedRounds() >= task.round()) {
      throw Status.FAILED_PRECONDITION.withDescription("replay refused: task " + task.taskId()
          + " of round " + task.round() + " is finished and its update was counted; a retry is"
          + " answered only until the round ends").asRuntimeException();
    }
    pool = staging.apply(federation);
    buffer = pool.acquire(Math.max(1, task.deadlineMs() - System.currentTimeMillis()));
    if (buffer == null) {
      throw Status.FAILED_PRECONDITION.withDescription("task " + task.taskId()
          + " expired while waiting for an upload slot").asRuntimeException();
    }
    decoder = new PayloadDecoder(h.getManifest().getEncoding(), expected.totalElements(), buffer,
        h.getManifest().hasCrc32C() ? PayloadChecksum.CRC32C : PayloadChecksum.SHA256);
    stage = Stage.DATA;
  }

  /**
   * The checksum the upload declares, in the kind its header chose: the header's CRC-32C (which
   * a CRC-32C in the trailer must repeat), or a SHA-256 from the trailer or else the header.
   */
  private String declaredChecksum(UpdateTrailer trailer) {
    if (header.getManifest().hasCrc32C()) {
      int crc = header.getManifest().getCrc32C();
      if (trailer.hasCrc32C() && trailer.getCrc32C() != crc) {
        throw invalid("trailer crc32c " + PayloadChecksum.crc32cHex(trailer.getCrc32C())
            + " differs from the header's " + PayloadChecksum.crc32cHex(crc));
      }
      return PayloadChecksum.crc32cHex(crc);
    }
    return !trailer.getSha256().isEmpty() ? trailer.getSha256()
        : header.getManifest().getSha256();
  }

  /** A task already answered may be re-sent; the trailer decides if it is the same update. */
  private boolean isRetryCandidate(TaskRecord task) {
    return entry.phase().hasAcceptedUpdate(task);
  }

  private void onData(UpdateData data) {
    if (stage != Stage.DATA) {
      throw invalid("data before the header");
    }
    gate.admitChunk(data.getOffset(), data.getData().size(), decoder.expectedBytes());
    if (data.getData().size() > MAX_CHUNK_BYTES) {
      throw invalid("chunk of " + data.getData().size() + " bytes exceeds the limit of "
          + MAX_CHUNK_BYTES);
    }
    if (data.getOffset() != nextOffset) {
      throw invalid("chunk at offset " + data.getOffset() + " but " + nextOffset
          + " bytes were received: chunks must be contiguous and in order");
    }
    try {
      // Decode straight from the message's bytes: no per-chunk copy into a new array.
      for (ByteBuffer part : data.getData().asReadOnlyByteBufferList()) {
        decoder.accept(part);
      }
    } catch (PayloadException e) {
      throw invalid(e.getMessage());
    }
    nextOffset += data.getData().size();
  }

  private void onTrailer(UpdateTrailer trailer) {
    if (stage != Stage.DATA) {
      throw invalid("trailer before the header");
    }
    String declared = declaredChecksum(trailer);
    if (declared.isEmpty()) {
      throw invalid("no checksum: set sha256 in the trailer or the manifest, or crc32c in the"
          + " manifest");
    }
    float[] delta;
    try {
      delta = decoder.finish(declared);
    } catch (PayloadChecksumException e) {
      throw Status.DATA_LOSS.withDescription(e.getMessage()).asRuntimeException();
    } catch (PayloadException e) {
      throw invalid(e.getMessage());
    }
    double norm = decoder.l2Norm();
    TaskRecord task = entry.task();
    double bound = federations.get(task.federationId()).map(f -> f.spec().getMaxUpdateNorm())
        .orElse(0.0);
    if (bound > 0 && norm > bound) {
      throw invalid("update norm " + String.format("%.4g", norm) + " exceeds the bound "
          + bound);
    }
    RoundTasks.UpdateDecision decision = entry.phase().acceptUpdate(task, delta,
        header.getSampleCount(), decoder.digest(), norm, header.getTrainMetrics(),
        header.getEpsilonSpent());
    if (decision.outcome() == RoundTasks.Outcome.REFUSED) {
      throw Status.FAILED_PRECONDITION.withDescription(decision.reason()).asRuntimeException();
    }
    boolean duplicate = decision.outcome() == RoundTasks.Outcome.DUPLICATE;
    log.info("federation={} round={} node={} task={} update {} samples={} norm={}",
        task.federationId(), task.round(), task.nodeId(), task.taskId(),
        duplicate ? "retry (already counted)" : "accepted", header.getSampleCount(),
        String.format("%.4f", norm));
    stage = Stage.DONE;
    releaseBuffer();
    events.updateReceived(task.federationId(), duplicate); // metrics
    response.onNext(UploadReceipt.newBuilder().setTaskId(task.taskId()).setDuplicate(duplicate)
        .setUpdateNorm(norm).build());
    response.onCompleted();
  }

  private void refuse(StatusRuntimeException e) {
    stage = Stage.DONE;
    releaseBuffer();
    log.info("upload refused task={} node={}: {} {}", header == null ? "-" : header.getTaskId(),
        header == null ? "-" : header.getNodeId(), e.getStatus().getCode(),
        e.getStatus().getDescription());
    events.uploadRejected(entry == null ? "" : entry.task().federationId(), // audit, metrics
        header == null ? "" : header.getNodeId(), header == null ? "" : header.getTaskId(),
        e.getStatus());
    countContentRefusal(e.getStatus());
    response.onError(e);
  }

  /**
   * A refusal of the update's content (not of its timing) counts against the node the task
   * belongs to, and only when the uploader named that node: a stranger cannot get a node marked.
   */
  private void countContentRefusal(Status status) {
    if (entry == null || header == null || !entry.task().nodeId().equals(header.getNodeId())
        || (status.getCode() != Status.Code.INVALID_ARGUMENT
            && status.getCode() != Status.Code.DATA_LOSS)) {
      return;
    }
    federations.get(entry.task().federationId()).flatMap(f -> f.nodes().get(header.getNodeId()))
        .ifPresent(n -> n.suspicion().uploadRejected("upload refused: "
            + status.getDescription()));
  }

  private void releaseBuffer() {
    if (buffer != null) {
      pool.release(buffer);
      buffer = null;
    }
  }

  @Override
  public void onError(Throwable t) {
    stage = Stage.DONE;
    releaseBuffer();
  }

  @Override
  public void onCompleted() {
    if (stage != Stage.DONE) {
      refuse(invalid("upload ended before its trailer"));
    }
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
