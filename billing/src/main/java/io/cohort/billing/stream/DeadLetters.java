package io.cohort.billing.stream;

import com.google.protobuf.ByteString;
import io.cohort.proto.v1.DeadLetter;
import io.cohort.proto.v1.DeadLetterReason;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a rejected record, with its reason, to the dead-letter sink of a processor. */
final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final ProcessorContext<String, Object> context;
  private final DeadLetterCounter counter;

  DeadLetters(ProcessorContext<String, Object> context, DeadLetterCounter counter) {
    this.context = context;
    this.counter = counter;
  }

  void send(Record<String, ?> record, byte[] payload, String eventId, DeadLetterReason reason,
      String detail) {
    DeadLetter.Builder letter = DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(detail)
        .setEventId(eventId)
        .setRejectedAtMs(context.currentSystemTimeMs());
    if (payload != null) {
      letter.setPayload(ByteString.copyFrom(payload));
    }
    context.recordMetadata().ifPresent((RecordMetadata m) -> letter.setSourceTopic(m.topic())
        .setSourcePartition(m.partition()).setSourceOffset(m.offset()));
    counter.reject(reason);
    LOG.warn("dead-letter reason={} event={} key={} detail={}", reason, eventId, record.key(),
        detail);
    context.forward(record.withValue(letter.build()), BillingTopology.DEAD_LETTER_SINK);
  }
}
