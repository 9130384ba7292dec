package io.cohort.coordinator.audit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Makes the address of the gRPC peer available to the code handling its call, for the audit
 * log's "from where". Installed once on the server; read with {@link #current()}.
 */
public final class PeerAddress implements ServerInterceptor {

  private static final Context.Key<String> PEER = Context.key("cohort-peer-address");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String peer = "grpc " + format(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
  }

  /** The calling peer ("grpc 127.0.0.1:53122"), or "grpc unknown" outside a call. */
  public static String current() {
    String peer = PEER.get();
    return peer == null ? "grpc unknown" : peer;
  }

  /** "host:port" of a socket address (numeric host, no reverse lookup). */
  public static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host = inet.getAddress() != null ? inet.getAddress().getHostAddress()
          : inet.getHostString();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address == null ? "unknown" : address.toString();
  }
}
