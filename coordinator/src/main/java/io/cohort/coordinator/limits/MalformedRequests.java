package io.cohort.coordinator.limits;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Attributes;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * Answers a request message that is not valid protobuf, or a unary call with other than one
 * request message, with INVALID_ARGUMENT naming the method, instead of gRPC's defaults (UNKNOWN
 * "Application error processing RPC" and INTERNAL "Too many requests"), and keeps status messages
 * short. The service sees nothing of such a message; a stream it
 * had open is cancelled, so it releases what it held.
 *
 * <p>The messages are still parsed by the service's own marshaller, on the same thread and from
 * the same stream, so the parsing cost is unchanged.
 */
public final class MalformedRequests {

  private static final MethodDescriptor.Marshaller<InputStream> UNPARSED =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  /**
   * Longest status message sent: refusals quote the offending value, and a 1 MB id quoted in
   * full would overflow the client's header limit and turn a precise status into INTERNAL.
   */
  static final int MAX_DESCRIPTION_CHARS = 1024;

  private MalformedRequests() {}

  /** {@code service} with every method refusing unparsable requests precisely. */
  public static ServerServiceDefinition refusedPrecisely(BindableService service) {
    return refusedPrecisely(service.bindService());
  }

  /**
   * {@code definition} with every method refusing unparsable requests precisely; interceptors
   * already on it see parsed messages.
   */
  public static ServerServiceDefinition refusedPrecisely(ServerServiceDefinition definition) {
    return refusedPrecisely(definition, Set.of());
  }

  /**
   * As above; requests of the methods named in {@code readInPlace} (full method names) are
   * parsed without copying their {@code bytes} fields out of the transport's buffers, which are
   * released when the service's {@code onMessage} returns. Only for services that read such
   * fields during {@code onMessage} and never keep them: the update upload, whose chunks are
   * decoded on arrival, saves a copy (and an allocation) of every byte every client sends.
   */
  public static ServerServiceDefinition refusedPrecisely(ServerServiceDefinition definition,
      Set<String> readInPlace) {
    ServiceDescriptor original = definition.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = definition.getMethods().stream()
        .<ServerMethodDefinition<?, ?>>map(m -> wrap(m, readInPlace.contains(
            m.getMethodDescriptor().getFullMethodName()))).toList();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(wrapped::addMethod);
    return wrapped.build();
  }

  private static <Q, R> ServerMethodDefinition<InputStream, R> wrap(
      ServerMethodDefinition<Q, R> definition, boolean readInPlace) {
    MethodDescriptor<Q, R> typed = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw =
        typed.toBuilder(UNPARSED, typed.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
    return ServerMethodDefinition.create(raw, (call, headers) ->
        new Parsing<>(call, typed, handler.startCall(new TypedCall<>(call, typed), headers),
            readInPlace));
  }

  /** The raw call as the service expects to see it: everything forwarded. */
  private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, R> raw;
    private final MethodDescriptor<Q, R> method;

    TypedCall(ServerCall<InputStream, R> raw, MethodDescriptor<Q, R> method) {
      this.raw = raw;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      raw.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    /** Status messages that echo hostile input are cut, so the trailers stay small. */
    @Override
    public void close(Status status, Metadata trailers) {
      String description = status.getDescription();
      if (description != null && description.length() > MAX_DESCRIPTION_CHARS) {
        status = status.withDescription(description.substring(0, MAX_DESCRIPTION_CHARS)
            + "... (" + description.length() + " characters)");
      }
      raw.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      raw.setOnReadyThreshold(numBytes);
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return raw.getSecurityLevel();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }

  /** Parses each message for the service's listener; a bad one ends the call. */
  private static final class Parsing<Q, R> extends ServerCall.Listener<InputStream> {
    private final ServerCall<InputStream, R> call;
    private final MethodDescriptor<Q, R> method;
    private final ServerCall.Listener<Q> service;
    private final boolean readInPlace;
    private boolean refused;
    private int messages;

    Parsing(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method,
        ServerCall.Listener<Q> service, boolean readInPlace) {
      this.call = call;
      this.method = method;
      this.service = service;
      this.readInPlace = readInPlace;
    }

    @Override
    public void onMessage(InputStream message) {
      if (refused) {
        return;
      }
      if (++messages > 1 && method.getType().clientSendsOneMessage()) {
        refuse(method.getFullMethodName() + " takes one request message, got a second");
        return;
      }
      InputStream held = readInPlace ? InPlaceParsing.detach(message) : null;
      Q parsed;
      try {
        parsed = held != null ? InPlaceParsing.parse(method, held) : method.parseRequest(message);
      } catch (RuntimeException e) {
        InPlaceParsing.release(held);
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        refuse("request to " + method.getFullMethodName() + " is not a valid protobuf message: "
            + cause.getMessage());
        return;
      }
      try {
        service.onMessage(parsed);
      } finally {
        InPlaceParsing.release(held); // the message's bytes fields are invalid from here on
      }
    }

    private void refuse(String why) {
      refused = true;
      call.close(Status.INVALID_ARGUMENT.withDescription(why), new Metadata());
      service.onCancel(); // the service releases what an open stream held
    }

    @Override
    public void onHalfClose() {
      if (refused) {
        return;
      }
      if (messages == 0 && method.getType().clientSendsOneMessage()) {
        refuse(method.getFullMethodName() + " takes one request message, got none");
        return;
      }
      service.onHalfClose();
    }

    @Override
    public void onCancel() {
      if (!refused) {
        service.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!refused) {
        service.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        service.onReady();
      }
    }
  }
}
