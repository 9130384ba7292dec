package io.cohort.billing.stream;

import io.cohort.billing.pricing.SubscriptionUsage;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Store format of {@link SubscriptionUsage} (internal to the billing application's state and
 * changelog, never on a public topic): a format byte (1) and four big-endian longs.
 */
final class SubscriptionUsageSerde implements Serde<SubscriptionUsage> {

  private static final byte FORMAT = 1;

  @Override
  public Serializer<SubscriptionUsage> serializer() {
    return (topic, u) -> u == null ? null : ByteBuffer.allocate(33).put(FORMAT)
        .putLong(u.feeMicros()).putLong(u.includedPredictions()).putLong(u.usedPredictions())
        .putLong(u.drawnMicros()).array();
  }

  @Override
  public Deserializer<SubscriptionUsage> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length != 33 || bytes[0] != FORMAT) {
        throw new SerializationException("unknown subscription usage format");
      }
      ByteBuffer b = ByteBuffer.wrap(bytes, 1, 32);
      return new SubscriptionUsage(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    };
  }
}
