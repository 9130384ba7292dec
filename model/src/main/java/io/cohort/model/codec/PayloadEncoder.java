package io.cohort.model.codec;

import io.cohort.proto.v1.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodes a flat parameter vector as little-endian float32 or float16 bytes. */
public final class PayloadEncoder {

  private PayloadEncoder() {}

  public static byte[] encode(float[] values, Encoding encoding) {
    return switch (encoding) {
      case FLOAT32 -> {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        yield buf.array();
      }
      case FLOAT16 -> {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
          buf.putShort(Float16.fromFloat(v));
        }
        yield buf.array();
      }
      default -> throw new IllegalArgumentException("unsupported encoding " + encoding);
    };
  }

  /** Decodes a whole payload (non-streaming convenience). */
  public static float[] decode(byte[] payload, Encoding encoding) {
    PayloadDecoder decoder = new PayloadDecoder(encoding,
        payload.length / io.cohort.model.layout.ParameterLayout.bytesPerElement(encoding), null);
    decoder.accept(payload, 0, payload.length);
    return decoder.finish(null);
  }
}
