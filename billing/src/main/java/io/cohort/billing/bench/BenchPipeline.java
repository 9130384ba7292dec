package io.cohort.billing.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/** One of the Kafka Streams applications the benchmark compares. */
interface BenchPipeline {

  /** Name in the results table. */
  String label();

  /** Topic the application writes its results to. */
  String outputTopic();

  /** Creates what the application needs beyond Cohort's topics. */
  default void prepare(String bootstrap, int partitions) {}

  /** Starts the application; returns once it is RUNNING. */
  App start(String bootstrap, Path stateDir, String applicationId) throws Exception;

  /** A running application: its Streams instance (for metrics) and how to stop it. */
  record App(KafkaStreams streams, AutoCloseable stop) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      stop.close();
    }
  }

  /** A fresh tally of the output for one run. */
  Tally tally();

  /** Follows the output of one run; accepts records on the watcher thread. */
  interface Tally extends OutputWatcher.Sink {

    /**
     * True (evaluated on the watcher thread) once the output holds everything the reference
     * expects at the moment of this call.
     */
    BooleanSupplier reached(BillingReference reference);

    /** From now on, measure the latency of events timed at or after {@code timeMs}. */
    void measureFrom(long timeMs);

    Latencies latencies();

    /** Once the application is stopped: every difference from the reference (empty = exact). */
    List<String> verify(String bootstrap, BillingReference reference);
  }
}
