package io.cohort.coordinator.metrics;

import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the bytes of every gRPC message in and out, by method, from the transport's own
 * accounting: model downloads, update uploads and session traffic without touching their code.
 */
public final class GrpcTrafficMetrics extends ServerStreamTracer.Factory {

  private final CoordinatorMetrics metrics;
  private final Map<String, Counter[]> counters = new ConcurrentHashMap<>();

  public GrpcTrafficMetrics(CoordinatorMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    Counter[] inOut = counters.computeIfAbsent(fullMethodName, m -> {
      String method = m.substring(m.lastIndexOf('.') + 1); // "FederationService/UploadUpdate"
      return new Counter[] {metrics.bytesReceived(method), metrics.bytesSent(method)};
    });
    return new ServerStreamTracer() {
      @Override
      public void inboundWireSize(long bytes) {
        inOut[0].increment(bytes);
      }

      @Override
      public void outboundWireSize(long bytes) {
        inOut[1].increment(bytes);
      }
    };
  }
}
