package io.cohort.coordinator.inference;

import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.keys.ApiKeyGrpcService;
import io.cohort.coordinator.keys.ApiKeyStore;
import io.cohort.coordinator.keys.ConsumerAccounts;
import io.cohort.coordinator.keys.Quotas;
import io.cohort.coordinator.metrics.CoordinatorMetrics;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Model serving as one unit the server wires in: API keys, quotas, the model catalog, the
 * micro-batcher and usage metering, with the consumer gRPC service, the operator key service and
 * the HTTP handler built on them.
 */
public final class InferenceServing implements AutoCloseable {

  private final ApiKeyStore keys;
  private final InferenceEngine engine;
  private final ModelCatalog catalog;
  private final ApiKeyGrpcService keyService;

  /** @param publisher where usage and consumer accounts go; null = not billed */
  public InferenceServing(Path dataDir, Federations federations, SpoolingEventPublisher publisher,
      CoordinatorMetrics metrics, InferenceSettings settings, AuditLog audit) {
    this.keys = new ApiKeyStore(dataDir);
    MicroBatcher batcher = new MicroBatcher(settings.batchWait(), settings.batchRows());
    this.catalog = new ModelCatalog(federations, new InferenceSchemas(dataDir),
        settings.maxRecords(), settings.engine(), settings.predictors());
    this.engine = new InferenceEngine(keys, new Quotas(settings.quota(), Clock.systemUTC()),
        catalog, batcher, new UsageMeter(publisher), metrics);
    this.keyService = new ApiKeyGrpcService(keys,
        ConsumerAccounts.withDefaultTerms(publisher), audit);
  }

  public InferenceEngine engine() {
    return engine;
  }

  public InferenceGrpcService grpcService() {
    return new InferenceGrpcService(engine);
  }

  public ApiKeyGrpcService keyService() {
    return keyService;
  }

  public InferenceHttp httpHandler() {
    return new InferenceHttp(engine);
  }

  @Override
  public void close() {
    catalog.close();
    keys.close();
  }
}
