package io.cohort.billing.events;

import com.google.protobuf.Message;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.ContributionEvent;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes Cohort events to Kafka without losing any, even while Kafka is unreachable.
 *
 * <p>{@link #publish} first appends the event to a durable local spool (forced to disk), then a
 * sender thread hands it to an idempotent producer ({@code acks=all}). An event leaves the spool
 * only when Kafka acknowledged it; one that cannot be delivered is retried every
 * {@code retryInterval}, oldest first, and one left unacknowledged when the process stops is
 * re-sent by the next publisher opened on the same spool directory. A re-send can duplicate an
 * event on the topic; consumers deduplicate by event id (billing does), so nothing is billed
 * twice.
 *
 * <p>Thread-safe. {@code publish} costs one fsync and never waits for Kafka.
 */
public final class SpoolingEventPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolingEventPublisher.class);
  private static final long TRUNCATE_ABOVE_BYTES = 1 << 20;

  private final Producer<String, byte[]> producer;
  private final EventSpool spool;
  private final Duration retryInterval;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Spooled, not acknowledged, by sequence number. */
  private final TreeMap<Long, SpooledEvent> pending = new TreeMap<>();
  private final java.util.concurrent.atomic.LongAdder spooledTotal =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder deliveredTotal =
      new java.util.concurrent.atomic.LongAdder();
  /** Sequence numbers handed to the producer and not yet answered. */
  private final Map<Long, Boolean> inFlight = new HashMap<>();
  private long retryAtNanos;
  private volatile boolean closing;
  private final Thread sender;

  private SpoolingEventPublisher(Producer<String, byte[]> producer, EventSpool spool,
      Duration retryInterval) {
    this.producer = producer;
    this.spool = spool;
    this.retryInterval = retryInterval;
    for (SpooledEvent e : spool.recovered()) {
      pending.put(e.seq(), e);
    }
    if (!pending.isEmpty()) {
      LOG.info("event spool recovered {} unacknowledged events", pending.size());
    }
    this.sender = new Thread(this::sendLoop, "cohort-event-sender");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  /**
   * A publisher to {@code bootstrapServers} spooling in {@code spoolDir} (one publisher per
   * directory at a time), retrying every second.
   */
  public static SpoolingEventPublisher open(String bootstrapServers, Path spoolDir) {
    return open(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), spoolDir,
        Duration.ofSeconds(1));
  }

  /**
   * A publisher with extra producer settings (bootstrap.servers required). Idempotence and
   * acks=all are always on.
   */
  public static SpoolingEventPublisher open(Map<String, Object> producerSettings, Path spoolDir,
      Duration retryInterval) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putAll(producerSettings);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    EventSpool spool = EventSpool.open(spoolDir);
    Producer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer());
    return new SpoolingEventPublisher(producer, spool, retryInterval);
  }

  /** To {@link CohortTopics#CONTRIBUTIONS}, keyed by owner. */
  public void publish(ContributionEvent event) {
    publish(CohortTopics.CONTRIBUTIONS, event.getOwnerId(), event);
  }

  /** To {@link CohortTopics#MODEL_VERSIONS}, keyed {@code "<federation>/<version>"}. */
  public void publish(ModelVersionEvent event) {
    publish(CohortTopics.MODEL_VERSIONS, event.getFederationId() + "/" + event.getVersion(),
        event);
  }

  /** To {@link CohortTopics#USAGE}, keyed by consumer. */
  public void publish(UsageEvent event) {
    publish(CohortTopics.USAGE, event.getConsumerId(), event);
  }

  /** To {@link CohortTopics#CONSUMERS}, keyed by consumer. */
  public void publish(ConsumerAccountEvent event) {
    publish(CohortTopics.CONSUMERS, event.getConsumerId(), event);
  }

  /** Spools an event durably and queues it for Kafka. */
  public void publish(String topic, String key, Message event) {
    if (closing) {
      throw new IllegalStateException("publisher is closed");
    }
    byte[] value = event.toByteArray();
    lock.lock();
    try {
      // Under the lock, so the spool is never truncated between this write and pending.put.
      SpooledEvent spooled = spool.append(topic, key, value);
      pending.put(spooled.seq(), spooled);
      spooledTotal.increment();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Events spooled by this publisher since it opened. */
  public long spooledTotal() {
    return spooledTotal.sum();
  }

  /** Events acknowledged by Kafka since this publisher opened (replayed ones included). */
  public long deliveredTotal() {
    return deliveredTotal.sum();
  }

  /** Events spooled and not yet acknowledged by Kafka. */
  public int pending() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every event published so far is acknowledged; false on timeout. */
  public boolean awaitDelivered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!pending.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops sending and closes the producer (waiting at most 5 s for in-flight sends). Events not
   * acknowledged stay in the spool for the next publisher.
   */
  @Override
  public void close() {
    closing = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      sender.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
    spool.close();
  }

  private void sendLoop() {
    while (!closing) {
      SpooledEvent next;
      lock.lock();
      try {
        next = nextToSend();
        if (next == null) {
          long waitNanos = pending.isEmpty() ? TimeUnit.SECONDS.toNanos(1)
              : Math.max(1, retryAtNanos - System.nanoTime());
          changed.awaitNanos(waitNanos);
          continue;
        }
        inFlight.put(next.seq(), Boolean.TRUE);
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      send(next);
    }
  }

  /** The oldest pending event not in flight, unless a retry back-off is running. */
  private SpooledEvent nextToSend() {
    if (System.nanoTime() < retryAtNanos) {
      return null;
    }
    for (SpooledEvent e : pending.values()) {
      if (!inFlight.containsKey(e.seq())) {
        return e;
      }
    }
    return null;
  }

  private void send(SpooledEvent event) {
    try {
      producer.send(new ProducerRecord<>(event.topic(), event.key(), event.value()),
          (metadata, error) -> answered(event, error));
    } catch (RuntimeException e) {
      answered(event, e);
    }
  }

  private void answered(SpooledEvent event, Exception error) {
    if (error == null) {
      spool.ack(event.seq());
    }
    lock.lock();
    try {
      inFlight.remove(event.seq());
      if (error == null) {
        if (pending.remove(event.seq()) != null) {
          deliveredTotal.increment();
        }
        if (pending.isEmpty() && inFlight.isEmpty() && spool.sizeBytes() > TRUNCATE_ABOVE_BYTES) {
          spool.truncate();
        }
      } else {
        boolean backOffStarts = System.nanoTime() >= retryAtNanos;
        retryAtNanos = System.nanoTime() + retryInterval.toNanos();
        if (backOffStarts) {
          LOG.warn("event topic={} key={} not delivered, retrying in {}: {}", event.topic(),
              event.key(), retryInterval, error.toString());
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
