package io.cohort.billing.bench;

import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.pricing.ContributionShares;
import io.cohort.billing.pricing.UsagePricer;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.PlanKind;
import io.cohort.proto.v1.UsageEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The benchmark's market: model versions with several owners each, and consumers on every kind
 * of plan (pay-per-use, subscription with overage, public-benefit). Usage events are drawn from
 * a seeded generator, so every pipeline of a run sees the same stream.
 */
final class BenchWorkload {

  static final String FEDERATION = "bench";
  static final String CURRENCY = "EUR";
  private static final int VERSIONS = 3;
  private static final int OWNERS_PER_VERSION = 4;

  final Map<String, ModelVersionEvent> versions = new LinkedHashMap<>();
  final Map<String, ConsumerAccountEvent> accounts = new LinkedHashMap<>();
  private final List<String> consumerIds = new ArrayList<>();
  private final List<ModelVersionEvent> versionList = new ArrayList<>();

  BenchWorkload(int consumers) {
    for (int v = 0; v < VERSIONS; v++) {
      Map<String, Double> scores = new LinkedHashMap<>();
      for (int o = 0; o < OWNERS_PER_VERSION; o++) {
        scores.put("site-" + (v + o), 1.0 + o * 0.37 + v * 0.11);
      }
      ModelVersionEvent version = ModelVersionEvent.newBuilder().setFederationId(FEDERATION)
          .setVersion("v" + (v + 1)).setRound(v + 1).setQualityMetric("accuracy")
          .setQuality(0.80 + v * 0.03).setPriceMicrosPer1000(2_345_678L + v * 111_111L)
          .setCurrency(CURRENCY).setCreatedAtMs(1_000)
          .addAllContributionShares(ContributionShares.fromScores(scores)).build();
      versions.put(UsagePricer.versionKey(version), version);
      versionList.add(version);
    }
    for (int c = 0; c < consumers; c++) {
      String id = "consumer-" + c;
      ConsumerAccountEvent.Builder account = ConsumerAccountEvent.newBuilder().setConsumerId(id);
      if (c % 5 == 1) {
        // A small quota: subscribers reach overage within a run.
        account.setPlan(PlanKind.SUBSCRIPTION).setSubscriptionFeeMicros(50_000_000L)
            .setIncludedPredictions(20_000);
      } else {
        account.setPlan(PlanKind.PAY_PER_USE);
      }
      account.setPublicBenefit(c % 10 == 3);
      accounts.put(id, account.build());
      consumerIds.add(id);
    }
  }

  /** A seeded generator of usage events with ids {@code <prefix>-<n>}. */
  Generator generator(String prefix, long seed) {
    return new Generator(prefix, new Random(seed));
  }

  /** Publishes the versions and accounts and waits for them to be acknowledged. */
  void publishCatalog(KafkaProducer<String, byte[]> producer)
      throws InterruptedException, ExecutionException {
    for (Map.Entry<String, ModelVersionEvent> v : versions.entrySet()) {
      producer.send(new ProducerRecord<>(CohortTopics.MODEL_VERSIONS, v.getKey(),
          v.getValue().toByteArray())).get();
    }
    for (ConsumerAccountEvent a : accounts.values()) {
      producer.send(new ProducerRecord<>(CohortTopics.CONSUMERS, a.getConsumerId(),
          a.toByteArray())).get();
    }
  }

  /** Draws usage events: a random consumer and version, 1 to 50 predictions. */
  final class Generator {
    private final String prefix;
    private final Random random;
    private long next;

    private Generator(String prefix, Random random) {
      this.prefix = prefix;
      this.random = random;
    }

    UsageEvent next(long timeMs) {
      String consumer = consumerIds.get(random.nextInt(consumerIds.size()));
      ModelVersionEvent version = versionList.get(random.nextInt(versionList.size()));
      return UsageEvent.newBuilder().setEventId(prefix + "-" + next++).setConsumerId(consumer)
          .setFederationId(FEDERATION).setModelVersion(version.getVersion())
          .setPredictions(1 + random.nextInt(50)).setTimeMs(timeMs).build();
    }
  }
}
