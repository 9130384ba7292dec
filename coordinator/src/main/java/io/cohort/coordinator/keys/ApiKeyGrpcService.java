package io.cohort.coordinator.keys;

import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.PeerAddress;
import io.cohort.coordinator.security.Caller;
import io.cohort.proto.v1.ApiKeyInfo;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.CreateApiKeyRequest;
import io.cohort.proto.v1.CreateApiKeyResponse;
import io.cohort.proto.v1.ListApiKeysRequest;
import io.cohort.proto.v1.ListApiKeysResponse;
import io.cohort.proto.v1.RevokeApiKeyRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's API-key RPCs. Operator-only: the server restricts this service to operator
 * callers (mutual TLS roles) like the operator service; consumers never reach it. Creations and
 * revocations are audited ({@code apikey.create}, {@code apikey.revoke}; the target is the key
 * id, never the key).
 */
public final class ApiKeyGrpcService extends ApiKeyServiceGrpc.ApiKeyServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyGrpcService.class);

  private final ApiKeyStore store;
  private final ConsumerAccounts accounts;
  private final AuditLog audit;

  public ApiKeyGrpcService(ApiKeyStore store, ConsumerAccounts accounts, AuditLog audit) {
    this.store = store;
    this.accounts = accounts;
    this.audit = audit;
  }

  private static AuditEvent.Builder event(String action, String keyId) {
    return AuditLog.event(Caller.actorOr(AuditLog.OPERATOR), action, "", PeerAddress.current())
        .setTarget(keyId);
  }

  @Override
  public void createApiKey(CreateApiKeyRequest request,
      StreamObserver<CreateApiKeyResponse> response) {
    ApiKeyStore.Created created;
    try {
      created = store.create(request.getConsumerId(), request.getPlan(),
          request.getPublicBenefit());
    } catch (IllegalArgumentException e) {
      audit.refused(event("apikey.create", ""), "INVALID_ARGUMENT: " + e.getMessage());
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    }
    audit.allowed(event("apikey.create", created.info().getKeyId()).setDetail("consumer "
        + created.info().getConsumerId() + ", plan " + created.info().getPlan()));
    accounts.publish(created.info());
    log.info("api key created key_id={} consumer={} plan={}", created.info().getKeyId(),
        created.info().getConsumerId(), created.info().getPlan());
    response.onNext(CreateApiKeyResponse.newBuilder().setApiKey(created.apiKey())
        .setInfo(created.info()).build());
    response.onCompleted();
  }

  @Override
  public void listApiKeys(ListApiKeysRequest request,
      StreamObserver<ListApiKeysResponse> response) {
    response.onNext(ListApiKeysResponse.newBuilder().addAllKeys(store.list()).build());
    response.onCompleted();
  }

  @Override
  public void revokeApiKey(RevokeApiKeyRequest request, StreamObserver<ApiKeyInfo> response) {
    var revoked = store.revoke(request.getKeyId());
    if (revoked.isEmpty()) {
      Status notFound = Status.NOT_FOUND.withDescription("key_id: no API key '"
          + request.getKeyId() + "'");
      audit.refused(event("apikey.revoke", request.getKeyId()), "NOT_FOUND: "
          + notFound.getDescription());
      response.onError(notFound.asException());
      return;
    }
    audit.allowed(event("apikey.revoke", request.getKeyId()).setDetail("consumer "
        + revoked.get().getConsumerId()));
    log.info("api key revoked key_id={} consumer={}", request.getKeyId(),
        revoked.get().getConsumerId());
    response.onNext(revoked.get());
    response.onCompleted();
  }
}
