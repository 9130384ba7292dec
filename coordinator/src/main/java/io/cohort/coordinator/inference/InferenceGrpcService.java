package io.cohort.coordinator.inference;

import io.cohort.proto.v1.ConsumerUsage;
import io.cohort.proto.v1.GetUsageRequest;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.ListModelsRequest;
import io.cohort.proto.v1.ListModelsResponse;
import io.cohort.proto.v1.PredictRequest;
import io.cohort.proto.v1.PredictResponse;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;

/** The consumers' gRPC API; see {@code cohort/v1/inference.proto}. */
public final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

  private final InferenceEngine engine;

  public InferenceGrpcService(InferenceEngine engine) {
    this.engine = engine;
  }

  /** The service with its API-key interceptor, ready to add to a server. */
  public ServerServiceDefinition definition() {
    return ServerInterceptors.intercept(this, new ApiKeyMetadata());
  }

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> response) {
    answer(() -> engine.predict(ApiKeyMetadata.API_KEY.get(), request), response);
  }

  @Override
  public void listModels(ListModelsRequest request,
      StreamObserver<ListModelsResponse> response) {
    answer(() -> engine.listModels(ApiKeyMetadata.API_KEY.get(), request), response);
  }

  @Override
  public void getUsage(GetUsageRequest request, StreamObserver<ConsumerUsage> response) {
    answer(() -> engine.usage(ApiKeyMetadata.API_KEY.get()), response);
  }

  private interface Call<T> {
    T run() throws InferenceException;
  }

  private static <T> void answer(Call<T> call, StreamObserver<T> response) {
    T result;
    try {
      result = call.run();
    } catch (InferenceException e) {
      response.onError(e.toStatus());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
