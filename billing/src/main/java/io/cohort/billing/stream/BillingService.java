package io.cohort.billing.stream;

import io.cohort.billing.events.CohortTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing Kafka Streams application: {@link BillingTopology} with exactly_once_v2 against a
 * cluster. Restart it with the same application id and state directory: it resumes from its
 * last committed transaction, and balances stay exact.
 */
public final class BillingService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BillingService.class);
  /** Default application id (consumer group and transactional id prefix). */
  public static final String APPLICATION_ID = "cohort-billing";

  private final KafkaStreams streams;
  private final DeadLetterCounter counter;
  private final CountDownLatch settled = new CountDownLatch(1);

  private BillingService(KafkaStreams streams, DeadLetterCounter counter) {
    this.streams = streams;
    this.counter = counter;
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR
          || now == KafkaStreams.State.NOT_RUNNING) {
        settled.countDown();
      }
    });
  }

  /**
   * Creates Cohort's topics if missing and starts the application; returns at once (use
   * {@link #awaitRunning}).
   */
  public static BillingService start(String bootstrapServers, BillingSettings settings,
      Path stateDir, String applicationId) {
    CohortTopics.ensure(bootstrapServers, 3, (short) 1, 30_000);
    DeadLetterCounter counter = new DeadLetterCounter();
    Topology topology = BillingTopology.build(settings, counter);
    LOG.info("billing topology {}", topology.describe());
    KafkaStreams streams = new KafkaStreams(topology,
        streamsConfig(bootstrapServers, stateDir, applicationId));
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("billing stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
          .StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    BillingService service = new BillingService(streams, counter);
    streams.start();
    return service;
  }

  /** The Streams configuration billing runs with. */
  public static Properties streamsConfig(String bootstrapServers, Path stateDir,
      String applicationId) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads());
    // Kafka 5.0's default, chosen now: the global (prices, consumers) thread handles processing
    // errors as the stream threads do; also spares a warning on every start.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Output is visible at commit: 100 ms bounds the wait an event adds to the latency, and
    // still amortises each transaction over thousands of events at full speed.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // A killed instance is noticed in seconds, not in the 45 s default.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_500);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 10_000);
    // Records are read only once their transaction commits, so holding them up to 20 ms
    // costs no latency; it fills larger batches (a usage event writes two records, its charge
    // and its deduplication changelog entry): fewer produce requests for producer and broker.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
    return p;
  }

  /**
   * Stream threads: one per core, at most one per partition of the usage topic (3), so a
   * second core works on its own partitions instead of idling while one thread prices.
   */
  public static int streamThreads() {
    return Math.max(1, Math.min(3, Runtime.getRuntime().availableProcessors()));
  }

  /** Waits until the application is RUNNING; false on timeout or failure. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)
        && streams.state() == KafkaStreams.State.RUNNING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Rejected and duplicate counts since start. */
  public DeadLetterCounter counter() {
    return counter;
  }

  /** The underlying application, for metrics and interactive queries. */
  public KafkaStreams streams() {
    return streams;
  }

  /** Commits and stops (up to 30 s). */
  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
