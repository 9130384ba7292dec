package io.cohort.coordinator.limits;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a request straight from the transport's buffers (gRPC's {@link Detachable} and {@link
 * HasByteBuffer}), so its {@code bytes} fields alias them instead of being copied into new
 * arrays. The detached stream owns the buffers: the message is valid until {@link #release}.
 */
final class InPlaceParsing {

  private InPlaceParsing() {}

  /** The message's own stream, detached from gRPC; null if this transport cannot. */
  static InputStream detach(InputStream message) {
    if (message instanceof Detachable d && message instanceof HasByteBuffer h
        && message instanceof KnownLength && h.byteBufferSupported() && message.markSupported()) {
      return d.detach();
    }
    return null;
  }

  static <Q> Q parse(MethodDescriptor<Q, ?> method, InputStream detached) {
    if (!(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto)
        || !(proto.getMessagePrototype() instanceof MessageLite prototype)) {
      return method.parseRequest(detached);
    }
    try {
      List<ByteString> pieces = new ArrayList<>();
      HasByteBuffer buffers = (HasByteBuffer) detached;
      // Marked, the stream keeps the buffers it skips past (unmarked it frees each one as soon
      // as it is passed, under the views taken here) until it is closed.
      detached.mark(Integer.MAX_VALUE);
      while (detached.available() > 0) {
        ByteBuffer piece = buffers.getByteBuffer();
        int n = piece.remaining();
        pieces.add(UnsafeByteOperations.unsafeWrap(piece)); // valid until release
        detached.skip(n);
      }
      // A wrapped buffer's coded input is immutable, so with aliasing bytes fields are slices.
      CodedInputStream in = ByteString.copyFrom(pieces).newCodedInput();
      in.enableAliasing(true);
      @SuppressWarnings("unchecked")
      Q parsed = (Q) prototype.getParserForType().parseFrom(in);
      return parsed;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void release(InputStream detached) {
    if (detached != null) {
      try {
        detached.close();
      } catch (IOException ignored) {
        // closing releases buffers; nothing to report
      }
    }
  }
}
