package io.cohort.coordinator.server;

import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.market.MarketEvents;
import io.cohort.coordinator.operator.OperatorGrpcService;
import io.cohort.coordinator.transfer.FederationGrpcService;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The coordinator process: federations rebuilt from the data directory, served over gRPC. */
public final class CoordinatorServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);

  /** Settings of a coordinator. */
  public record Config(String host, int port, Path dataDir, long heartbeatIntervalMs,
      int maxConcurrentUploads, String kafkaBootstrap) {

    public Config(String host, int port, Path dataDir, long heartbeatIntervalMs,
        int maxConcurrentUploads) {
      this(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads, null);
    }

    public static Config defaults(Path dataDir) {
      return new Config("127.0.0.1", 7400, dataDir, 2_000, 4);
    }

    /** The same settings, publishing market events to this Kafka cluster. */
    public Config withKafka(String bootstrap) {
      return new Config(host, port, dataDir, heartbeatIntervalMs, maxConcurrentUploads,
          bootstrap);
    }
  }

  private final Config config;
  private final Federations federations;
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coordinator-heartbeats");
        t.setDaemon(true);
        return t;
      });

  private final SpoolingEventPublisher publisher;

  public CoordinatorServer(Config config, List<FederationListener> listeners) {
    this.config = config;
    List<FederationListener> all = new ArrayList<>(listeners);
    MarketEvents market = null;
    if (config.kafkaBootstrap() != null) {
      publisher = SpoolingEventPublisher.open(config.kafkaBootstrap(),
          config.dataDir().resolve("event-spool"));
      market = new MarketEvents(publisher);
      all.add(market);
    } else {
      publisher = null;
    }
    this.federations = new Federations(config.dataDir(), all);
    if (market != null) {
      market.attach(federations);
    }
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
        .addService(new FederationGrpcService(federations, config.heartbeatIntervalMs(),
            config.maxConcurrentUploads()))
        .addService(new OperatorGrpcService(federations))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .maxInboundMessageSize(8 << 20)
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build();
  }

  public CoordinatorServer start() {
    try {
      server.start();
    } catch (IOException e) {
      federations.close();
      throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port()
          + " (is another coordinator running? choose another --port)", e);
    }
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

  @Override
  public void close() {
    health.enterTerminalState();
    heartbeats.shutdownNow();
    server.shutdown();
    federations.close();
    if (publisher != null) {
      publisher.close();
    }
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
