package io.cohort.billing.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a pipeline's output topic (committed transactions only) on its own thread, hands every
 * record to a {@link Sink} with the wall-clock time it was received, and tells when a condition
 * on the sink first held: the receive time of the batch that made it true.
 */
final class OutputWatcher implements AutoCloseable {

  /** What the watcher does with each record; called on the watcher thread only. */
  interface Sink {
    void accept(ConsumerRecord<byte[], byte[]> record, long receivedMs);
  }

  private record Wait(BooleanSupplier condition, CompletableFuture<Long> reachedAt) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Sink sink;
  private final List<Wait> waits = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean closing;
  private volatile RuntimeException failure;

  OutputWatcher(String bootstrap, String topic, Sink sink) {
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.sink = sink;
    this.thread = new Thread(this::run, "bench-watcher-" + topic);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Waits until {@code condition} (evaluated on the watcher thread after each batch) holds;
   * returns the wall-clock ms at which the batch that made it hold was received.
   */
  long awaitUntil(BooleanSupplier condition, Duration timeout)
      throws InterruptedException, TimeoutException {
    Wait wait = new Wait(condition, new CompletableFuture<>());
    waits.add(wait);
    try {
      return wait.reachedAt().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("output watcher failed", e.getCause());
    } finally {
      waits.remove(wait);
    }
  }

  private void run() {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!closing) {
        var records = consumer.poll(Duration.ofMillis(50));
        long received = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          sink.accept(r, received);
        }
        for (Wait w : waits) {
          if (!w.reachedAt().isDone() && w.condition().getAsBoolean()) {
            w.reachedAt().complete(received);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
      waits.forEach(w -> w.reachedAt().completeExceptionally(e));
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** The error that stopped the watcher, if any. */
  RuntimeException failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    consumer.wakeup();
    thread.join(10_000);
  }
}
