package io.cohort.billing.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.proto.v1.UsageEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Usage records are timed by {@code UsageEvent.time_ms} (when the request was served), so stream
 * time and the deduplication window follow event time. Unparseable records keep the record
 * timestamp and are dead-lettered downstream.
 */
final class UsageTimeExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof byte[] bytes) {
      try {
        long time = UsageEvent.parseFrom(bytes).getTimeMs();
        if (time > 0) {
          return time;
        }
      } catch (InvalidProtocolBufferException e) {
        // fall through: the parse-usage processor dead-letters it
      }
    }
    return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
  }
}
