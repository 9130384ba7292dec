package io.cohort.coordinator.transfer;

import io.cohort.coordinator.audit.NodeEvents;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.round.TaskBoard;
import io.cohort.coordinator.session.SessionHandler;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.DownloadModelRequest;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.ModelChunk;
import io.cohort.proto.v1.ModelVersion;
import io.cohort.proto.v1.ServerMessage;
import io.cohort.proto.v1.UpdateChunk;
import io.cohort.proto.v1.UploadReceipt;
import io.cohort.coordinator.limits.InputLimits;
import io.cohort.coordinator.limits.TransferGate;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The edge clients' gRPC surface: session, model download, update upload. */
public final class FederationGrpcService extends FederationServiceGrpc.FederationServiceImplBase {

  /**
   * Methods whose requests may be parsed in place (see {@code MalformedRequests}): the upload,
   * whose {@link UpdateReceiver} decodes each chunk in {@code onNext} and keeps none of its bytes.
   */
  public static final Set<String> READ_IN_PLACE =
      Set.of(FederationServiceGrpc.getUploadUpdateMethod().getFullMethodName());

  private final Federations federations;
  private final long heartbeatIntervalMs;
  private final int maxConcurrentUploads;
  private final NodeEvents events;
  private final Map<String, StagingBuffers> staging = new ConcurrentHashMap<>();
  private final TransferGate gate;

  public FederationGrpcService(Federations federations, long heartbeatIntervalMs,
      int maxConcurrentUploads) {
    this(federations, heartbeatIntervalMs, maxConcurrentUploads, NodeEvents.unobserved());
  }

  /** As above, reporting uploads and refused sessions to {@code events}. */
  public FederationGrpcService(Federations federations, long heartbeatIntervalMs,
      int maxConcurrentUploads, NodeEvents events) {
    this(federations, heartbeatIntervalMs, maxConcurrentUploads, events, InputLimits.DEFAULTS);
  }

  /** As above, bounding downloads and uploads by {@code limits}. */
  public FederationGrpcService(Federations federations, long heartbeatIntervalMs,
      int maxConcurrentUploads, NodeEvents events, InputLimits limits) {
    this.gate = new TransferGate(limits);
    this.federations = federations;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.maxConcurrentUploads = maxConcurrentUploads;
    this.events = events;
  }

  @Override
  public StreamObserver<ClientMessage> session(StreamObserver<ServerMessage> responseObserver) {
    return new SessionHandler(federations, responseObserver, heartbeatIntervalMs, events);
  }

  @Override
  public void downloadModel(DownloadModelRequest request,
      StreamObserver<ModelChunk> responseObserver) {
    try {
      gate.admitDownload(request);
    } catch (StatusRuntimeException e) {
      responseObserver.onError(e);
      return;
    }
    TaskBoard.Entry entry = federations.tasks().find(request.getTaskId()).orElse(null);
    if (entry == null) {
      responseObserver.onError(Status.NOT_FOUND.withDescription("unknown task '"
          + request.getTaskId() + "'").asRuntimeException());
      return;
    }
    if (!entry.task().nodeId().equals(request.getNodeId())) {
      responseObserver.onError(Status.PERMISSION_DENIED.withDescription("task "
          + request.getTaskId() + " is not assigned to node '" + request.getNodeId() + "'")
          .asRuntimeException());
      return;
    }
    if (!entry.task().modelVersion().equals(request.getModelVersion())) {
      responseObserver.onError(Status.PERMISSION_DENIED.withDescription("task "
          + request.getTaskId() + " was assigned version " + entry.task().modelVersion()
          + ", not '" + request.getModelVersion() + "'").asRuntimeException());
      return;
    }
    ModelVersion version = federations.registry().get(request.getModelVersion()).orElse(null);
    if (version == null) {
      responseObserver.onError(Status.NOT_FOUND.withDescription("unknown model version '"
          + request.getModelVersion() + "'").asRuntimeException());
      return;
    }
    ModelSender.start(responseObserver, version.getManifest(),
        federations.registry().payload(version.getVersion()));
  }

  @Override
  public StreamObserver<UpdateChunk> uploadUpdate(StreamObserver<UploadReceipt> responseObserver) {
    return new UpdateReceiver(federations, this::stagingFor, responseObserver, events, gate);
  }

  private StagingBuffers stagingFor(Federation f) {
    return staging.computeIfAbsent(f.id(),
        id -> new StagingBuffers(f.trainableLayout().totalElements(), maxConcurrentUploads));
  }
}
