package io.cohort.billing.stream;

import static io.cohort.billing.BillingFixtures.usage;

import io.cohort.billing.BillingFixtures;
import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.ledger.Charge;
import io.cohort.billing.ledger.LedgerPosting;
import io.cohort.billing.period.Booking;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.LedgerEntry;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.UsageEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A reproducible stream of pay-per-use usage events and the balances the reference model (the
 * pure pricing and posting classes) expects for them. The price is 1,000 micros per prediction,
 * so every event's charge is exact whatever its period.
 */
final class UsageLoad {

  static final ModelVersionEvent VERSION = BillingFixtures.version("v1", 1_000_000,
      Map.of("hospital-a", 500_000L, "hospital-b", 333_333L, "hospital-c", 166_667L));
  static final List<String> CONSUMERS = List.of("acme", "globex", "initech", "umbrella");

  final List<UsageEvent> events = new ArrayList<>();
  final Map<String, Long> expected = new HashMap<>();

  UsageLoad(int count, long timeMs, BillingSettings settings) {
    Random random = new Random(42);
    LedgerPosting posting = new LedgerPosting(settings.fees(), settings.currency());
    for (int i = 0; i < count; i++) {
      String consumer = CONSUMERS.get(random.nextInt(CONSUMERS.size()));
      UsageEvent u = usage("load-" + i, consumer, "v1", 1 + random.nextInt(50), timeMs);
      events.add(u);
      Charge charge = new Charge(u.getEventId() + "/usage", Charge.Kind.USAGE,
          "consumer:" + consumer, consumer, u.getPredictions() * 1_000, u.getPredictions(),
          "heart", "v1", VERSION.getContributionSharesList(), false, Booking.onTime("p"),
          u.getEventId(), timeMs);
      for (LedgerEntry e : posting.post(charge)) {
        expected.merge(e.getAccount(), e.getAmountMicros(), Long::sum);
      }
    }
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 5,
        "enable.idempotence", true, "acks", "all"), new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Publishes the version and the pay-per-use accounts. */
  static void publishCatalog(KafkaProducer<String, byte[]> producer) throws Exception {
    producer.send(new ProducerRecord<>(CohortTopics.MODEL_VERSIONS, "heart/v1",
        VERSION.toByteArray())).get();
    for (String c : CONSUMERS) {
      ConsumerAccountEvent a = BillingFixtures.payPerUse(c);
      producer.send(new ProducerRecord<>(CohortTopics.CONSUMERS, c, a.toByteArray())).get();
    }
  }

  void send(KafkaProducer<String, byte[]> producer, int from, int to) {
    for (UsageEvent u : events.subList(from, to)) {
      producer.send(new ProducerRecord<>(CohortTopics.USAGE, u.getConsumerId(), u.toByteArray()));
    }
    producer.flush();
  }
}
