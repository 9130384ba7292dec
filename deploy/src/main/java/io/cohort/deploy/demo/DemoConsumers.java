package io.cohort.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.coordinator.inference.ApiKeyMetadata;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.ApiPlan;
import io.cohort.proto.v1.CreateApiKeyRequest;
import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import io.cohort.proto.v1.InferenceSchema;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.InputFeature;
import io.cohort.proto.v1.InputFeatureType;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.ListModelsRequest;
import io.cohort.proto.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The demo's consumers: after training, a pay-per-use and a subscription consumer each get a key
 * and send a stream of queries (synthetic patients drawn around the schema's scaling centres,
 * 1 to 5 records a request, and a few malformed requests that must be refused) over real gRPC.
 * Their counts become the report's {@code usage} section.
 */
final class DemoConsumers {

  /** Consumer id and plan of each demo consumer. */
  static final Map<String, ApiPlan> CONSUMERS = Map.of("city-clinic", ApiPlan.PAYG,
      "insurer-research", ApiPlan.SUBSCRIPTION_PLAN);

  private final Map<String, long[]> counts = new LinkedHashMap<>();

  /**
   * Runs the consumers, {@code requests} each: keys are created on {@code operator} (a channel
   * with the operator's certificate), queries go over {@code consumer} (API key only).
   */
  DemoConsumers run(ManagedChannel operator, ManagedChannel channel, int requests,
      PrintStream out) {
    try {
      Random random = new Random(42);
      for (Map.Entry<String, ApiPlan> c : CONSUMERS.entrySet().stream()
          .sorted(Map.Entry.comparingByKey()).toList()) {
        String key = ApiKeyServiceGrpc.newBlockingStub(operator).createApiKey(CreateApiKeyRequest
            .newBuilder().setConsumerId(c.getKey()).setPlan(c.getValue()).build()).getApiKey();
        var stub = InferenceServiceGrpc.newBlockingStub(channel)
            .withInterceptors(ApiKeyMetadata.bearer(key));
        InferenceSchema schema = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .listModels(ListModelsRequest.getDefaultInstance()).getSchemas(0);
        long[] n = new long[3];
        for (int i = 0; i < requests; i++) {
          PredictRequest.Builder r = PredictRequest.newBuilder();
          int records = 1 + random.nextInt(5);
          for (int k = 0; k < records; k++) {
            r.addRecords(patient(schema, random));
          }
          if (i % 25 == 24) { // a malformed request now and then: refused, never billed
            r.setRecords(0, r.getRecords(0).toBuilder().removeFeatures(
                schema.getFeatures(0).getName()));
          }
          try {
            n[1] += stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(r.build())
                .getPredictionsCount();
            n[0]++;
          } catch (StatusRuntimeException e) {
            n[2]++;
          }
        }
        counts.put(c.getKey(), n);
        out.printf("consumer %-16s (%s) %d requests answered, %d predictions, %d rejected%n",
            c.getKey(), c.getValue() == ApiPlan.PAYG ? "pay per use" : "subscription", n[0],
            n[1], n[2]);
      }
    } finally {
      channel.shutdownNow();
      operator.shutdownNow();
    }
    return this;
  }

  /** Waits (at most {@code timeout}) until billing has booked every answered request. */
  boolean awaitBilled(String bootstrap, Duration timeout) throws InterruptedException {
    long answered = counts.values().stream().mapToLong(n -> n[0]).sum();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Set<String> booked = new HashSet<>();
      for (LedgerEntry e : LedgerReader.readAll(bootstrap, Duration.ofSeconds(10)).entries()) {
        if (counts.containsKey(e.getConsumerId()) && e.getSourceEventId().startsWith("use-")) {
          booked.add(e.getSourceEventId());
        }
      }
      if (booked.size() >= answered) {
        return true;
      }
      Thread.sleep(500); // polling the ledger, not synchronising threads
    }
    return false;
  }

  /** The report's {@code usage} section. */
  ObjectNode report() {
    ObjectNode usage = new ObjectMapper().createObjectNode();
    counts.forEach((consumer, n) -> usage.putObject(consumer).put("requests", n[0])
        .put("predictions", n[1]).put("rejected", n[2]));
    return usage;
  }

  private static FeatureRecord patient(InferenceSchema schema, Random random) {
    FeatureRecord.Builder r = FeatureRecord.newBuilder();
    for (InputFeature f : schema.getFeaturesList()) {
      FeatureValue.Builder v = FeatureValue.newBuilder();
      if (f.getType() == InputFeatureType.CATEGORICAL) {
        v.setCategory(f.getCategories(random.nextInt(f.getCategoriesCount())));
      } else {
        double scale = f.getScale() == 0 ? 1 : f.getScale();
        v.setNumber(Math.round((f.getCenter() + scale * random.nextGaussian()) * 10) / 10.0);
      }
      r.putFeatures(f.getName(), v.build());
    }
    return r.build();
  }
}
