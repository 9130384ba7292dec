package io.cohort.billing.stream;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code load-model-versions}, {@code load-consumer-accounts}: keeps the latest value per key of
 * a compacted topic in a global store; a tombstone removes the key. Values are kept as bytes and
 * checked again where they are used, because a restoring global store is filled from the topic
 * without passing through this processor. Invalid values are logged, counted and not stored.
 */
final class LoadGlobalTable implements Processor<String, byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(LoadGlobalTable.class);

  private final String storeName;
  private final Function<byte[], ?> parser;
  private final DeadLetterCounter counter;
  private KeyValueStore<String, byte[]> store;

  /** @param parser returns null for a value that is not valid */
  LoadGlobalTable(String storeName, Function<byte[], ?> parser, DeadLetterCounter counter) {
    this.storeName = storeName;
    this.parser = parser;
    this.counter = counter;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      counter.badGlobalRecord();
      LOG.warn("store={} dropped a record without key", storeName);
    } else if (record.value() == null) {
      store.delete(record.key());
    } else if (parser.apply(record.value()) == null) {
      counter.badGlobalRecord();
      LOG.warn("store={} key={} dropped an invalid or malformed value", storeName, record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
