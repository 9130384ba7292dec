package io.cohort.billing.query;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.ledger.LedgerBook;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.billing.ledger.LedgerCharges;
import io.cohort.proto.v1.LedgerCharge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the ledger topic (committed entries only) on a background thread and keeps a
 * {@link LedgerBook} of everything read, for the query service. Holds every entry in memory:
 * right for the demo and small deployments; a state-store-backed view is the next step.
 */
public final class LedgerFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerFollower.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final LedgerBook book;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Thread thread;
  private volatile boolean caughtUp;
  private volatile long lag = -1;
  private volatile boolean closing;
  private Map<TopicPartition, Long> startEnd;

  private LedgerFollower(KafkaConsumer<String, byte[]> consumer, PeriodClosing periods,
      String currency) {
    this.consumer = consumer;
    this.book = new LedgerBook(List.of(), periods, currency);
    this.thread = new Thread(this::run, "ledger-follower");
    this.thread.setDaemon(true);
  }

  /** Starts following the ledger from its beginning. */
  public static LedgerFollower start(String bootstrapServers, PeriodClosing periods,
      String currency) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    LedgerFollower follower = new LedgerFollower(new KafkaConsumer<>(props,
        new StringDeserializer(), new ByteArrayDeserializer()), periods, currency);
    follower.thread.start();
    return follower;
  }

  /** True once everything committed when the follower started has been read. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /**
   * Committed ledger records not yet read into the book, as of the last poll; -1 before the
   * first one.
   */
  public long lag() {
    return lag;
  }

  /** Runs a query against the book under a read lock. */
  public <T> T query(Function<LedgerBook, T> query) {
    lock.readLock().lock();
    try {
      return query.apply(book);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long lag(List<TopicPartition> partitions) {
    long sum = 0;
    for (TopicPartition p : partitions) {
      OptionalLong partitionLag = consumer.currentLag(p);
      if (partitionLag.isEmpty()) {
        return lag;
      }
      sum += partitionLag.getAsLong();
    }
    return sum;
  }

  private void run() {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(CohortTopics.LEDGER, Duration.ofMinutes(5))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      startEnd = consumer.endOffsets(partitions);
      while (!closing) {
        var records = consumer.poll(Duration.ofMillis(500));
        lock.writeLock().lock();
        try {
          for (ConsumerRecord<String, byte[]> r : records) {
            try {
              LedgerCharges.entries(LedgerCharge.parseFrom(
                  r.value() == null ? new byte[0] : r.value())).forEach(book::add);
            } catch (InvalidProtocolBufferException e) {
              LOG.warn("unreadable ledger record partition={} offset={}", r.partition(),
                  r.offset());
            }
          }
        } finally {
          lock.writeLock().unlock();
        }
        lag = lag(partitions);
        if (!caughtUp && startEnd.entrySet().stream()
            .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp = true;
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("ledger follower stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
