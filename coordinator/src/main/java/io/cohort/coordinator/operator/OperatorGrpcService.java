package io.cohort.coordinator.operator;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.PeerAddress;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationStateException;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.dashboard.DashboardSessions;
import io.cohort.coordinator.security.Caller;
import io.cohort.proto.v1.CreateDashboardSessionRequest;
import io.cohort.proto.v1.CreateFederationRequest;
import io.cohort.proto.v1.DashboardSession;
import io.cohort.proto.v1.FederationRef;
import io.cohort.proto.v1.GetModelVersionRequest;
import io.cohort.proto.v1.ListAuditEventsRequest;
import io.cohort.proto.v1.ListAuditEventsResponse;
import io.cohort.proto.v1.ListFederationsRequest;
import io.cohort.proto.v1.ListFederationsResponse;
import io.cohort.proto.v1.ListNodesResponse;
import io.cohort.proto.v1.ListRoundsResponse;
import io.cohort.proto.v1.ModelVersion;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Comparator;
import java.util.function.Supplier;

/** The operators' gRPC surface. Refused actions change nothing and say why. */
public final class OperatorGrpcService extends OperatorServiceGrpc.OperatorServiceImplBase {

  private final Federations federations;
  private final AuditLog audit;
  private final OperatorActions actions;
  private final DashboardSessions dashboardSessions;
  private final Supplier<String> dashboardUrl;

  public OperatorGrpcService(Federations federations) {
    this(federations, AuditLog.inMemory());
  }

  /** Operator actions are written to {@code audit} with the caller's address. */
  public OperatorGrpcService(Federations federations, AuditLog audit) {
    this(federations, audit, null, () -> "");
  }

  /**
   * Also opens dashboard sessions in {@code dashboardSessions} (null: no dashboard) for the
   * dashboard at {@code dashboardUrl}.
   */
  public OperatorGrpcService(Federations federations, AuditLog audit,
      DashboardSessions dashboardSessions, Supplier<String> dashboardUrl) {
    this.federations = federations;
    this.audit = audit;
    this.actions = new OperatorActions(federations, audit);
    this.dashboardSessions = dashboardSessions;
    this.dashboardUrl = dashboardUrl;
  }

  @Override
  public void createDashboardSession(CreateDashboardSessionRequest request,
      StreamObserver<DashboardSession> response) {
    String actor = Caller.actorOr(AuditLog.OPERATOR);
    var event = AuditLog.event(actor, "dashboard.session", "", PeerAddress.current());
    if (dashboardSessions == null) {
      Status refusal = Status.FAILED_PRECONDITION.withDescription(
          "this coordinator serves no HTTP dashboard (started with --http-port -1)");
      audit.refused(event, refusal.getCode() + ": " + refusal.getDescription());
      response.onError(refusal.asRuntimeException());
      return;
    }
    DashboardSessions.Session session;
    try {
      session = dashboardSessions.create(actor);
    } catch (IllegalStateException e) {
      audit.refused(event, "RESOURCE_EXHAUSTED: " + e.getMessage());
      response.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage())
          .asRuntimeException());
      return;
    }
    // the token itself never reaches the audit log
    audit.allowed(event.setDetail("expires " + session.expiresAt()));
    response.onNext(DashboardSession.newBuilder().setToken(session.token())
        .setActor(session.actor()).setExpiresAtMs(session.expiresAt().toEpochMilli())
        .setDashboardUrl(dashboardUrl.get()).build());
    response.onCompleted();
  }

  @Override
  public void createFederation(CreateFederationRequest request,
      StreamObserver<io.cohort.proto.v1.Federation> response) {
    answer(response, () -> actions.create(request.getSpec(), PeerAddress.current()).toProto());
  }

  @Override
  public void startFederation(FederationRef request,
      StreamObserver<io.cohort.proto.v1.Federation> response) {
    act(request, response, OperatorActions.Action.START);
  }

  @Override
  public void pauseFederation(FederationRef request,
      StreamObserver<io.cohort.proto.v1.Federation> response) {
    act(request, response, OperatorActions.Action.PAUSE);
  }

  @Override
  public void resumeFederation(FederationRef request,
      StreamObserver<io.cohort.proto.v1.Federation> response) {
    act(request, response, OperatorActions.Action.RESUME);
  }

  @Override
  public void stopFederation(FederationRef request,
      StreamObserver<io.cohort.proto.v1.Federation> response) {
    act(request, response, OperatorActions.Action.STOP);
  }

  @Override
  public void getFederation(FederationRef request,
      StreamObserver<io.cohort.proto.v1.Federation> response) {
    answer(response, () -> find(request.getFederationId()).toProto());
  }

  @Override
  public void listFederations(ListFederationsRequest request,
      StreamObserver<ListFederationsResponse> response) {
    answer(response, () -> ListFederationsResponse.newBuilder().addAllFederations(
        federations.list().stream().sorted(Comparator.comparing(Federation::id))
            .map(Federation::toProto).toList()).build());
  }

  @Override
  public void listNodes(FederationRef request, StreamObserver<ListNodesResponse> response) {
    answer(response, () -> ListNodesResponse.newBuilder()
        .addAllNodes(find(request.getFederationId()).nodes().snapshot()).build());
  }

  @Override
  public void listRounds(FederationRef request, StreamObserver<ListRoundsResponse> response) {
    answer(response, () -> ListRoundsResponse.newBuilder()
        .addAllRounds(find(request.getFederationId()).rounds()).build());
  }

  @Override
  public void getModelVersion(GetModelVersionRequest request,
      StreamObserver<ModelVersion> response) {
    answer(response, () -> {
      find(request.getFederationId());
      return federations.registry().get(request.getFederationId(), request.getModelVersion())
          .orElseThrow(() -> Status.NOT_FOUND.withDescription("federation "
              + request.getFederationId() + " has no model version '"
              + request.getModelVersion() + "'").asRuntimeException());
    });
  }

  @Override
  public void listAuditEvents(ListAuditEventsRequest request,
      StreamObserver<ListAuditEventsResponse> response) {
    answer(response, () -> ListAuditEventsResponse.newBuilder().addAllEvents(audit.list(
        request.getFederationId(), request.getLimit(), request.getAfterSequence())).build());
  }

  private Federation find(String id) {
    return actions.find(id);
  }

  private void act(FederationRef ref, StreamObserver<io.cohort.proto.v1.Federation> response,
      OperatorActions.Action action) {
    answer(response, () -> actions.perform(action, ref.getFederationId(), PeerAddress.current())
        .toProto());
  }

  private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    } catch (FederationStateException e) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage())
          .asRuntimeException());
      return;
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage())
          .asRuntimeException());
      return;
    } catch (io.cohort.coordinator.federation.DuplicateFederationException e) {
      response.onError(Status.ALREADY_EXISTS.withDescription(e.getMessage())
          .asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
