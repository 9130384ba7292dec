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
    ServiceDescriptor original = definition.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = definition.getMethods().stream()
        .<ServerMethodDefinition<?, ?>>map(MalformedRequests::wrap).toList();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(wrapped::addMethod);
    return wrapped.build();
  }

  private static <Q, R> ServerMethodDefinition<InputStream, R> wrap(
      ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> typed = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw =
        typed.toBuilder(UNPARSED, typed.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
    return ServerMethodDefinition.create(raw, (call, headers) ->
        new Parsing<>(call, typed, handler.startCall(new TypedCall<>(call, typed), headers)));
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
    private boolean refused;
    private int messages;

    Parsing(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method,
        ServerCall.Listener<Q> service) {
      this.call = call;
      this.method = method;
      this.service = service;
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
      Q parsed;
      try {
        parsed = method.parseRequest(message);
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        refuse("request to " + method.getFullMethodName() + " is not a valid protobuf message: "
            + cause.getMessage());
        return;
      }
      service.onMessage(parsed);
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
