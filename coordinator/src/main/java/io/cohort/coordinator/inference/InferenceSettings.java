package io.cohort.coordinator.inference;

import io.cohort.coordinator.keys.QuotaPolicy;
import java.time.Duration;

/**
 * Settings of model serving.
 *
 * @param batchWait how long a micro-batch may wait to fill; zero turns batching off
 * @param batchRows rows per micro-batch at most
 * @param maxRecords records per request at most (larger requests are INVALID_ARGUMENT)
 * @param quota every key's rate limit and daily quota
 * @param engine what computes predictions (a DJL predictor pool or the plain-Java pass)
 * @param predictors DJL predictors per loaded model version
 */
public record InferenceSettings(Duration batchWait, int batchRows, int maxRecords,
    QuotaPolicy quota, ServingEngine engine, int predictors) {

  /** The default engine, chosen by the inference benchmark (decision 0006). */
  public static final ServingEngine DEFAULT_ENGINE = ServingEngine.JAVA;
  public static final int DEFAULT_PREDICTORS = 4;

  public InferenceSettings {
    if (batchWait.isNegative() || batchRows < 1 || maxRecords < 1 || predictors < 1) {
      throw new IllegalArgumentException("inference needs batch_wait >= 0, batch_rows >= 1,"
          + " max_records >= 1, predictors >= 1");
    }
  }

  /** The default engine and pool size. */
  public InferenceSettings(Duration batchWait, int batchRows, int maxRecords,
      QuotaPolicy quota) {
    this(batchWait, batchRows, maxRecords, quota, DEFAULT_ENGINE, DEFAULT_PREDICTORS);
  }

  /** 200 microseconds of batching wait, 512 rows per batch, 1,000 records per request. */
  public static InferenceSettings defaults() {
    return new InferenceSettings(Duration.ofNanos(200_000), 512, 1_000, QuotaPolicy.defaults());
  }

  public InferenceSettings withBatchWait(Duration wait) {
    return new InferenceSettings(wait, batchRows, maxRecords, quota, engine, predictors);
  }

  public InferenceSettings withQuota(QuotaPolicy q) {
    return new InferenceSettings(batchWait, batchRows, maxRecords, q, engine, predictors);
  }

  public InferenceSettings withEngine(ServingEngine e) {
    return new InferenceSettings(batchWait, batchRows, maxRecords, quota, e, predictors);
  }
}
