package io.cohort.billing.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Protobuf binary encoding for one message type. Null stays null (tombstones). */
public final class ProtoSerde<T extends Message> implements Serde<T> {

  private final Parser<T> parser;

  public ProtoSerde(Parser<T> parser) {
    this.parser = parser;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, message) -> message == null ? null : message.toByteArray();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new SerializationException("not a protobuf message of the expected type", e);
      }
    };
  }

  /** Serializes any protobuf message; for sinks that receive more than one type. */
  public static Serializer<Message> anyMessage() {
    return (topic, message) -> message == null ? null : message.toByteArray();
  }
}
