package io.cohort.billing.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.proto.v1.DeadLetterReason;
import io.cohort.proto.v1.UsageEvent;
import org.apache.kafka.streams.processor.api.Record;

/** {@code parse-usage}: bytes to UsageEvent; unparseable payloads are dead-lettered MALFORMED. */
final class ParseUsage extends UsageStep<byte[]> {

  ParseUsage(DeadLetterCounter counter) {
    super(null, counter);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    counter.countRead();
    if (record.value() == null) {
      deadLetters.send(record, null, "", DeadLetterReason.MALFORMED, "empty payload");
      return;
    }
    UsageEvent usage;
    try {
      usage = UsageEvent.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      deadLetters.send(record, record.value(), "", DeadLetterReason.MALFORMED,
          "not a UsageEvent: " + e.getMessage());
      return;
    }
    context.forward(record.withValue(usage), BillingTopology.VALIDATE_USAGE);
  }
}
