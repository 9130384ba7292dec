package io.cohort.billing.stream;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.cohort.proto.v1.UsageEvent;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Usage records are timed by {@code UsageEvent.time_ms} (when the request was served), so stream
 * time and the deduplication window follow event time. Only that field is read (the others are
 * skipped, not decoded); unparseable records keep the record timestamp and are dead-lettered
 * downstream.
 */
final class UsageTimeExtractor implements TimestampExtractor {

  private static final int TIME_MS_TAG =
      UsageEvent.TIME_MS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof byte[] bytes) {
      long time = timeMs(bytes);
      if (time > 0) {
        return time;
      }
    }
    return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
  }

  /** The last {@code time_ms} in an encoded UsageEvent (protobuf: last one wins); -1 if none. */
  static long timeMs(byte[] usageEvent) {
    CodedInputStream in = CodedInputStream.newInstance(usageEvent);
    long time = -1;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == TIME_MS_TAG) {
          time = in.readInt64();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return time;
  }
}
