package io.cohort.model.identity;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Client channels to a coordinator: mutual TLS with a credential bundle (the coordinator's
 * certificate must come from the bundle's CA and name the host dialled), or plaintext only when
 * the caller explicitly chose to be insecure.
 */
public final class TlsChannels {

  private TlsChannels() {
  }

  /** A channel builder for {@code target} presenting {@code credentials}. */
  public static NettyChannelBuilder mutualTls(String target, Credentials credentials) {
    return NettyChannelBuilder.forTarget(target).negotiationType(NegotiationType.TLS)
        .sslContext(clientContext(credentials));
  }

  /**
   * A channel builder for {@code target}: mutual TLS with {@code credentials}, or plaintext when
   * they are null (the caller's explicit {@code --insecure}).
   */
  public static NettyChannelBuilder forTarget(String target, Credentials credentials) {
    return credentials == null ? NettyChannelBuilder.forTarget(target).usePlaintext()
        : mutualTls(target, credentials);
  }

  /**
   * A channel builder for callers without a certificate (inference consumers with API keys):
   * TLS that checks the coordinator's certificate against the federation's CA only.
   */
  public static NettyChannelBuilder serverTls(String target, X509Certificate ca) {
    try {
      return NettyChannelBuilder.forTarget(target).negotiationType(NegotiationType.TLS)
          .sslContext(GrpcSslContexts.forClient().trustManager(ca).build());
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  /** The client side TLS context: our certificate and key, trusting only the federation's CA. */
  public static SslContext clientContext(Credentials credentials) {
    try {
      return GrpcSslContexts.forClient()
          .keyManager(credentials.key(), credentials.certificate())
          .trustManager(credentials.ca())
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }
}
