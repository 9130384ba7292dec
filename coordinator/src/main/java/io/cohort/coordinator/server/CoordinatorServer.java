package io.cohort.coordinator.server;

import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.NodeEvents;
import io.cohort.coordinator.limits.MalformedRequests;
import io.cohort.coordinator.audit.PeerAddress;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.metrics.CoordinatorMetrics;
import io.cohort.coordinator.metrics.GrpcTrafficMetrics;
import io.cohort.coordinator.market.MarketEvents;
import io.cohort.coordinator.operator.OperatorGrpcService;
import io.cohort.coordinator.transfer.FederationGrpcService;
import io.cohort.coordinator.web.WebServer;
import io.cohort.proto.v1.Heartbeat;
import io.cohort.proto.v1.ServerMessage;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator process: federations rebuilt from the data directory, served over gRPC, with
 * the operators' HTTP port (dashboard, JSON API, Prometheus metrics, health) beside it.
 */
public final class CoordinatorServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);

  /** HTTP port of a coordinator started from the command line. */
  public static final int DEFAULT_HTTP_PORT = 7401;
  /** {@link Config#httpPort()} value that serves no HTTP at all. */
  public static final int NO_HTTP = -1;

  /**
   * Settings of a coordinator.
   *
   * @param httpPort port of the dashboard, JSON API and metrics on {@code host}: 0 for a free
   *     one, {@link #NO_HTTP} for none
   */
  public record Config(String host, int port, Path dataDir, long heartbeatIntervalMs,
      int maxConcurrentUploads, int httpPort, String kafkaBootstrap) {

    /** A coordinator without the HTTP port (tests of the gRPC surface). */
    public Config(String host, int port, Path dataDir, long heartbeatIntervalMs,
        int maxConcurrentUploads) {
      this(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, NO_HTTP, null);
    }

    public Config(String host, int port, Path dataDir, long heartbeatIntervalMs,
        int maxConcurrentUploads, int httpPort) {
      this(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, httpPort, null);
    }

    public static Config defaults(Path dataDir) {
      return new Config("127.0.0.1", 7400, dataDir, 2_000, 4, DEFAULT_HTTP_PORT);
    }

    /** The same settings, publishing market events to this Kafka cluster. */
    public Config withKafka(String bootstrap) {
      return new Config(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads,
          httpPort, bootstrap);
    }

    public Config withPort(int p) {
      return new Config(host, p, dataDir, heartbeatIntervalMs, maxConcurrentUploads, httpPort,
          kafkaBootstrap);
    }

    public Config withHttpPort(int p) {
      return new Config(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, p,
          kafkaBootstrap);
    }
  }

  private final Config config;
  private final Federations federations;
  /** Largest gRPC message accepted: a 4 MiB update chunk plus its framing, with room to spare. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 8 << 20;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final CoordinatorMetrics metrics;
  private final AuditLog audit;
  private final WebServer web;
  private volatile boolean ready;
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coordinator-heartbeats");
        t.setDaemon(true);
        return t;
      });

  private final SpoolingEventPublisher publisher;

  public CoordinatorServer(Config config, List<FederationListener> listeners) {
    this.config = config;
    this.metrics = config.httpPort() == NO_HTTP ? CoordinatorMetrics.disabled()
        : CoordinatorMetrics.prometheus();
    this.audit = new AuditLog(config.dataDir().resolve("audit.log"));
    this.web = config.httpPort() == NO_HTTP ? null : new WebServer(config.host(),
        config.httpPort(), audit, metrics, () -> ready);
    List<FederationListener> all = new ArrayList<>(listeners);
    all.add(metrics);
    all.add(new io.cohort.coordinator.audit.FlaggedUpdatesAudit(audit)); // robust aggregation
    if (web != null) {
      all.addAll(web.listeners());
    }
    MarketEvents market = null;
    if (config.kafkaBootstrap() != null) {
      publisher = SpoolingEventPublisher.open(config.kafkaBootstrap(),
          config.dataDir().resolve("event-spool"));
      market = new MarketEvents(publisher);
      all.add(market);
    } else {
      publisher = null;
    }
    this.federations = new Federations(config.dataDir(), all, metrics);
    metrics.observe(federations::list);
    if (market != null) {
      market.attach(federations);
    }
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
        .addService(MalformedRequests.refusedPrecisely(new FederationGrpcService(federations,
            config.heartbeatIntervalMs(), config.maxConcurrentUploads(),
            new NodeEvents(audit, metrics))))
        .addService(MalformedRequests.refusedPrecisely(
            new OperatorGrpcService(federations, audit)))
        .intercept(new PeerAddress())
        .addStreamTracerFactory(new GrpcTrafficMetrics(metrics))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build();
  }

  public CoordinatorServer start() {
    try {
      server.start();
    } catch (IOException e) {
      federations.close();
      audit.close();
      throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port()
          + " (is another coordinator running? choose another --port)", e);
    }
    if (web != null) {
      try {
        web.start(federations);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }
    ready = true;
    long interval = config.heartbeatIntervalMs();
    heartbeats.scheduleAtFixedRate(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
    log.info("coordinator listening on {}:{} data_dir={}", config.host(), port(),
        config.dataDir());
    return this;
  }

  private void heartbeat() {
    ServerMessage beat = ServerMessage.newBuilder()
        .setHeartbeat(Heartbeat.newBuilder().setSentAtMs(System.currentTimeMillis())).build();
    try {
      for (var f : federations.list()) {
        f.nodes().expireSilent(config.heartbeatIntervalMs() * 5);
        f.nodes().broadcast(beat);
      }
    } catch (RuntimeException e) {
      log.warn("heartbeat sweep failed", e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public String target() {
    return config.host() + ":" + port();
  }

  public Federations federations() {
    return federations;
  }

  /** The dashboard's address, when the HTTP port is served. */
  public Optional<String> dashboardUrl() {
    return Optional.ofNullable(web).map(WebServer::url);
  }

  public Optional<Integer> httpPort() {
    return Optional.ofNullable(web).map(WebServer::port);
  }

  public CoordinatorMetrics metrics() {
    return metrics;
  }

  public AuditLog audit() {
    return audit;
  }

  @Override
  public void close() {
    ready = false;
    health.enterTerminalState();
    if (web != null) {
      web.close();
    }
    heartbeats.shutdownNow();
    server.shutdown();
    federations.close();
    if (publisher != null) {
      publisher.close();
    }
    audit.close();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
