package io.cohort.coordinator.inference;

import io.cohort.coordinator.security.BearerToken;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.MetadataUtils;

/**
 * Takes the consumer's API key from the call's metadata ({@code authorization: Bearer <key>} or
 * {@code x-api-key: <key>}) into the call's context. Consumers authenticate with the key only,
 * never with a client certificate.
 */
public final class ApiKeyMetadata implements ServerInterceptor {

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> X_API_KEY =
      Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> API_KEY = Context.key("cohort-api-key");

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String key = fromHeaders(headers.get(AUTHORIZATION), headers.get(X_API_KEY));
    return Contexts.interceptCall(Context.current().withValue(API_KEY, key), call, headers, next);
  }

  /** A client interceptor that sends {@code key} as {@code authorization: Bearer <key>}. */
  public static ClientInterceptor bearer(String key) {
    Metadata m = new Metadata();
    m.put(AUTHORIZATION, BearerToken.header(key));
    return MetadataUtils.newAttachHeadersInterceptor(m);
  }

  /** The key from either header (HTTP uses the same two); null when neither carries one. */
  public static String fromHeaders(String authorization, String xApiKey) {
    String bearer = BearerToken.from(authorization);
    return bearer != null ? bearer : xApiKey;
  }
}
