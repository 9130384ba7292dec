package io.cohort.coordinator.inference;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.keys.ApiKeyStore;
import io.cohort.coordinator.keys.Quotas;
import io.cohort.coordinator.metrics.CoordinatorMetrics;
import io.cohort.proto.v1.ApiKeyInfo;
import io.cohort.proto.v1.ConsumerUsage;
import io.cohort.proto.v1.ListModelsRequest;
import io.cohort.proto.v1.ListModelsResponse;
import io.cohort.proto.v1.PredictRequest;
import io.cohort.proto.v1.PredictResponse;
import io.cohort.proto.v1.Prediction;
import io.grpc.Status;
import java.util.UUID;

/**
 * What an inference request goes through, the same for gRPC and HTTP: authenticate the key,
 * resolve the model version, validate and encode the records, admit under the key's quota and
 * rate limit, score (micro-batched), meter the usage durably, answer. Any refusal happens before
 * metering, so it is never billed.
 */
public final class InferenceEngine {

  private final ApiKeyStore keys;
  private final Quotas quotas;
  private final ModelCatalog catalog;
  private final MicroBatcher batcher;
  private final UsageMeter usage;
  private final CoordinatorMetrics metrics;

  public InferenceEngine(ApiKeyStore keys, Quotas quotas, ModelCatalog catalog,
      MicroBatcher batcher, UsageMeter usage, CoordinatorMetrics metrics) {
    this.keys = keys;
    this.quotas = quotas;
    this.catalog = catalog;
    this.batcher = batcher;
    this.usage = usage;
    this.metrics = metrics;
  }

  /** The key's account, or UNAUTHENTICATED. */
  public ApiKeyInfo authenticate(String apiKey) throws InferenceException {
    if (apiKey == null || apiKey.isBlank()) {
      throw rejected(null, new InferenceException(Status.Code.UNAUTHENTICATED, "no_key",
          "missing API key: send 'authorization: Bearer <key>' or 'x-api-key: <key>'"));
    }
    return keys.authenticate(apiKey.strip()).orElseThrow(() -> rejected(null,
        new InferenceException(Status.Code.UNAUTHENTICATED, "bad_key",
            "API key is unknown or revoked")));
  }

  public PredictResponse predict(String apiKey, PredictRequest request)
      throws InferenceException {
    long start = System.nanoTime();
    ApiKeyInfo key = authenticate(apiKey);
    String federationId = request.getFederationId();
    batcher.arrive();
    boolean scored = false;
    ServedModel model = null;
    try {
      Federation f = catalog.federation(federationId);
      federationId = f.id();
      model = catalog.resolve(f, request.getModelVersion());
      float[] features = model.encoder().encode(request.getRecordsList());
      int rows = request.getRecordsCount();
      var refusal = quotas.admit(key.getKeyId(), rows);
      if (refusal.isPresent()) {
        throw new InferenceException(Status.Code.RESOURCE_EXHAUSTED, refusal.get().reason(),
            refusal.get().message() + "; retry in " + refusal.get().retryAfterSeconds() + " s",
            refusal.get().retryAfterSeconds());
      }
      scored = true;
      float[] probabilities = batcher.score(model, features, rows);
      String requestId = UUID.randomUUID().toString();
      usage.answered(requestId, key.getConsumerId(), f.id(), model.version(), rows);
      metrics.inferencePredictions(f.id(), rows);
      metrics.inferenceRequest(f.id(), "ok", System.nanoTime() - start);
      return response(f, model, probabilities, rows, requestId);
    } catch (InferenceException e) {
      metrics.inferenceRequest(federationId, e.code().name(), System.nanoTime() - start);
      throw rejected(key, e);
    } finally {
      if (!scored) {
        batcher.leave();
      }
      if (model != null) {
        model.release();
      }
    }
  }

  public ListModelsResponse listModels(String apiKey, ListModelsRequest request)
      throws InferenceException {
    authenticate(apiKey);
    ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
    var federations = request.getFederationId().isEmpty() ? catalog.federations()
        : java.util.List.of(catalog.federation(request.getFederationId()));
    for (Federation f : federations) {
      out.addAllModels(catalog.offers(f)).addSchemas(catalog.schema(f));
    }
    return out.build();
  }

  public ConsumerUsage usage(String apiKey) throws InferenceException {
    ApiKeyInfo key = authenticate(apiKey);
    UsageMeter.Counts c = usage.counts(key.getConsumerId());
    return ConsumerUsage.newBuilder().setConsumerId(key.getConsumerId()).setPlan(key.getPlan())
        .setRequests(c.requests()).setPredictions(c.predictions()).setRejected(c.rejected())
        .setPredictionsToday(quotas.predictionsToday(key.getKeyId()))
        .setDailyQuota(quotas.policy().dailyPredictions()).build();
  }

  private static PredictResponse response(Federation f, ServedModel model, float[] p, int rows,
      String requestId) {
    int classes = model.numClasses();
    PredictResponse.Builder out = PredictResponse.newBuilder().setFederationId(f.id())
        .setModelVersion(model.version()).setRequestId(requestId)
        .addAllClassNames(model.encoder().classNames());
    for (int r = 0; r < rows; r++) {
      Prediction.Builder pr = Prediction.newBuilder();
      int best = 0;
      for (int c = 0; c < classes; c++) {
        float v = p[r * classes + c];
        pr.addProbabilities(v);
        if (v > p[r * classes + best]) {
          best = c;
        }
      }
      out.addPredictions(pr.setPredictedClass(best));
    }
    return out.build();
  }

  private InferenceException rejected(ApiKeyInfo key, InferenceException e) {
    metrics.inferenceRejected(e.reason());
    if (key != null) {
      usage.rejected(key.getConsumerId());
    }
    return e;
  }
}
