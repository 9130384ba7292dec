package io.cohort.coordinator.keys;

import io.cohort.proto.v1.ApiKeyInfo;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
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
 * callers (mutual TLS roles) like the operator service; consumers never reach it.
 */
public final class ApiKeyGrpcService extends ApiKeyServiceGrpc.ApiKeyServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyGrpcService.class);

  private final ApiKeyStore store;
  private final ConsumerAccounts accounts;

  public ApiKeyGrpcService(ApiKeyStore store, ConsumerAccounts accounts) {
    this.store = store;
    this.accounts = accounts;
  }

  @Override
  public void createApiKey(CreateApiKeyRequest request,
      StreamObserver<CreateApiKeyResponse> response) {
    ApiKeyStore.Created created;
    try {
      created = store.create(request.getConsumerId(), request.getPlan(),
          request.getPublicBenefit());
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    }
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
      response.onError(Status.NOT_FOUND.withDescription("key_id: no API key '"
          + request.getKeyId() + "'").asException());
      return;
    }
    log.info("api key revoked key_id={} consumer={}", request.getKeyId(),
        revoked.get().getConsumerId());
    response.onNext(revoked.get());
    response.onCompleted();
  }
}
