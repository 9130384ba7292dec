package io.cohort.billing.bench;

import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.stream.BillingService;
import io.cohort.proto.v1.UsageEvent;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The baseline: the least an exactly-once Streams application can do with usage events, a
 * per-account sum of predictions ({@code stream -> mapValues(parse) -> groupByKey -> reduce ->
 * to}) with the same Streams settings as billing. With {@code cached}, the DSL's record cache is
 * on (the default), so each commit writes only the newest sum per account; without, every event
 * writes its new sum, as billing writes entries for every event.
 */
final class BareSumPipeline implements BenchPipeline {

  static final String SUMS_TOPIC = "bench.usage-sums.v1";

  private final boolean cached;

  BareSumPipeline(boolean cached) {
    this.cached = cached;
  }

  @Override
  public String label() {
    return cached ? "bare sum, cached" : "bare sum, per event";
  }

  @Override
  public String outputTopic() {
    return SUMS_TOPIC;
  }

  @Override
  public void prepare(String bootstrap, int partitions) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap))) {
      admin.createTopics(List.of(new NewTopic(SUMS_TOPIC, partitions, (short) 1))).all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create " + SUMS_TOPIC, e);
    }
  }

  Topology topology() {
    Materialized<String, Long, KeyValueStore<Bytes, byte[]>> sums =
        Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("usage-sums")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    if (!cached) {
      sums = sums.withCachingDisabled();
    }
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(CohortTopics.USAGE, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .mapValues(BareSumPipeline::predictions)
        .groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
        .reduce(Long::sum, sums)
        .toStream()
        .to(SUMS_TOPIC, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  private static long predictions(byte[] value) {
    try {
      return UsageEvent.parseFrom(value).getPredictions();
    } catch (Exception e) {
      return 0;
    }
  }

  @Override
  public App start(String bootstrap, Path stateDir, String applicationId)
      throws Exception {
    KafkaStreams streams = new KafkaStreams(topology(),
        BillingService.streamsConfig(bootstrap, stateDir, applicationId));
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.start();
    if (!running.await(60, TimeUnit.SECONDS)) {
      streams.close();
      throw new IllegalStateException("bare sum did not reach RUNNING: " + streams.state());
    }
    return new App(streams, () -> streams.close(java.time.Duration.ofSeconds(30)));
  }

  @Override
  public Tally tally() {
    return new SumTally();
  }

  /** Newest sum per account; while measuring, each output record gives a latency. */
  private static final class SumTally implements Tally {
    private final Map<String, Long> sums = new ConcurrentHashMap<>();
    private volatile long measureFrom = Long.MAX_VALUE;
    private final Latencies latencies = new Latencies();

    @Override
    public void accept(ConsumerRecord<byte[], byte[]> record, long receivedMs) {
      sums.put(new String(record.key(), StandardCharsets.UTF_8),
          Serdes.Long().deserializer().deserialize(SUMS_TOPIC, record.value()));
      if (record.timestamp() >= measureFrom) {
        latencies.add(receivedMs - record.timestamp());
      }
    }

    @Override
    public BooleanSupplier reached(BillingReference reference) {
      Map<String, Long> expected = new HashMap<>(reference.predictionsByConsumer());
      return () -> sums.equals(expected);
    }

    @Override
    public void measureFrom(long timeMs) {
      measureFrom = timeMs;
    }

    @Override
    public Latencies latencies() {
      return latencies;
    }

    @Override
    public List<String> verify(String bootstrap, BillingReference reference) {
      List<String> problems = new ArrayList<>();
      compare("sum", sums, reference.predictionsByConsumer(), problems);
      return problems;
    }
  }

  /** Adds a line per key whose value differs (at most 10 lines). */
  static void compare(String what, Map<String, Long> actual, Map<String, Long> expected,
      List<String> problems) {
    Set<String> keys = new TreeSet<>(actual.keySet());
    keys.addAll(expected.keySet());
    int shown = 0;
    for (String key : keys) {
      long a = actual.getOrDefault(key, 0L);
      long e = expected.getOrDefault(key, 0L);
      if (a != e && shown++ < 10) {
        problems.add(what + " of " + key + " is " + a + ", reference " + e);
      }
    }
  }
}
