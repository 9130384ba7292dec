package io.cohort.coordinator.server;

import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.NodeEvents;
import io.cohort.coordinator.limits.MalformedRequests;
import io.cohort.coordinator.audit.PeerAddress;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.inference.InferenceServing;
import io.cohort.coordinator.inference.InferenceSettings;
import io.cohort.coordinator.metrics.CoordinatorMetrics;
import io.cohort.coordinator.metrics.GrpcTrafficMetrics;
import io.cohort.coordinator.market.MarketEvents;
import io.cohort.coordinator.dashboard.DashboardSessions;
import io.cohort.coordinator.operator.OperatorGrpcService;
import io.cohort.coordinator.security.CallerAuthorization;
import io.cohort.coordinator.security.NodeClaimsInterceptor;
import io.cohort.coordinator.security.ServerTls;
import io.cohort.coordinator.security.TlsSettings;
import io.cohort.coordinator.transfer.FederationGrpcService;
import io.cohort.coordinator.web.WebServer;
import io.cohort.proto.v1.Heartbeat;
import io.cohort.proto.v1.ServerMessage;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.ServerInterceptors;
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
   * @param tls mutual TLS for the gRPC port; null serves plaintext (an explicit insecure choice:
   *     tests of other features and {@code --insecure})
   * @param billingUrl base URL of the billing HTTP API whose overview the dashboard shows, or
   *     null for no billing panels
   */
  public record Config(String host, int port, Path dataDir, long heartbeatIntervalMs,
      int maxConcurrentUploads, int httpPort, String kafkaBootstrap, TlsSettings tls,
      String billingUrl) {

    public Config(String host, int port, Path dataDir, long heartbeatIntervalMs,
        int maxConcurrentUploads, int httpPort, String kafkaBootstrap) {
      this(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, httpPort,
          kafkaBootstrap, null, null);
    }

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
          httpPort, bootstrap, tls, billingUrl);
    }

    public Config withPort(int p) {
      return new Config(host, p, dataDir, heartbeatIntervalMs, maxConcurrentUploads, httpPort,
          kafkaBootstrap, tls, billingUrl);
    }

    public Config withHttpPort(int p) {
      return new Config(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, p,
          kafkaBootstrap, tls, billingUrl);
    }

    /** The same settings, serving gRPC with mutual TLS. */
    public Config withTls(TlsSettings t) {
      return new Config(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, httpPort,
          kafkaBootstrap, t, billingUrl);
    }

    /** The same settings, with billing panels from this billing HTTP API. */
    public Config withBillingUrl(String url) {
      return new Config(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, httpPort,
          kafkaBootstrap, tls, url);
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
  private final ServerTls tls;
  private final InferenceServing inference;
  private final DashboardSessions dashboardSessions;

  public CoordinatorServer(Config config, List<FederationListener> listeners) {
    this(config, listeners, InferenceSettings.defaults());
  }

  /** A coordinator serving its models to consumers with these settings. */
  public CoordinatorServer(Config config, List<FederationListener> listeners,
      InferenceSettings inferenceSettings) {
    this.config = config;
    this.metrics = config.httpPort() == NO_HTTP ? CoordinatorMetrics.disabled()
        : CoordinatorMetrics.prometheus();
    this.audit = new AuditLog(config.dataDir().resolve("audit.log"));
    this.tls = config.tls() == null ? null : serverTls(config.tls(), audit);
    this.web = config.httpPort() == NO_HTTP ? null : new WebServer(config.host(),
        config.httpPort(), audit, metrics, () -> ready);
    this.dashboardSessions = web == null ? null : new DashboardSessions(config.tls() == null
        ? TlsSettings.DEFAULT_DASHBOARD_SESSION_TTL : config.tls().dashboardSessionTtl());
    if (web != null && tls != null) {
      web.requireSessions(dashboardSessions); // with identities, dashboard actions need one too
    }
    if (web != null && config.billingUrl() != null) {
      web.withBilling(java.net.URI.create(config.billingUrl()));
    }
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
      metrics.bindPublisher(publisher);
      all.add(market);
    } else {
      publisher = null;
    }
    this.federations = new Federations(config.dataDir(), all, metrics);
    metrics.observe(federations::list);
    this.inference = new InferenceServing(config.dataDir(), federations, publisher, metrics,
        inferenceSettings, audit);
    if (web != null) {
      web.route("/v1/", inference.httpHandler());
    }
    if (market != null) {
      market.attach(federations);
    }
    NettyServerBuilder builder = NettyServerBuilder.forAddress(
        new InetSocketAddress(config.host(), config.port()));
    if (tls != null) {
      builder.sslContext(tls.context())
          .intercept(new CallerAuthorization(tls.revocations(), audit));
    } else {
      log.warn("coordinator gRPC is PLAINTEXT: callers are not authenticated (insecure)");
    }
    this.server = builder
        .addService(MalformedRequests.refusedPrecisely(ServerInterceptors.intercept(
            new FederationGrpcService(federations, config.heartbeatIntervalMs(),
                config.maxConcurrentUploads(), new NodeEvents(audit, metrics)),
            new NodeClaimsInterceptor(audit)), FederationGrpcService.READ_IN_PLACE))
        .addService(MalformedRequests.refusedPrecisely(
            new OperatorGrpcService(federations, audit, dashboardSessions,
                () -> web == null ? "" : web.url())))
        .addService(inference.grpcService().definition())
        .addService(MalformedRequests.refusedPrecisely(inference.keyService()))
        .intercept(new PeerAddress())
        .addStreamTracerFactory(new GrpcTrafficMetrics(metrics))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build();
  }

  private static ServerTls serverTls(TlsSettings settings, AuditLog audit) {
    try {
      return new ServerTls(settings, audit);
    } catch (RuntimeException e) {
      audit.close();
      throw e;
    }
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

  /** The coordinator's TLS (certificate, CA, revocation list); empty when plaintext. */
  public Optional<ServerTls> tls() {
    return Optional.ofNullable(tls);
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
    inference.close();
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
