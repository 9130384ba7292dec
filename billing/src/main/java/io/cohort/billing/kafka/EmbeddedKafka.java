package io.cohort.billing.kafka;

import io.cohort.billing.events.CohortTopics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, for tests
 * and the local demo. Binds 127.0.0.1 on free ports; the log directory is formatted with a random
 * cluster id. Settings are the single-node ones that matter: replication factor and min ISR 1 for
 * the internal topics, no initial rebalance delay, a small log-cleaner buffer.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *   String bootstrap = kafka.bootstrapServers();
 *   ...
 * }
 * }</pre>
 *
 * <p>Close every client before the broker: a consumer whose broker is gone blocks for its whole
 * close timeout. Requires {@code org.apache.kafka:kafka_2.13} on the class path (an optional
 * dependency of the billing module). {@link #main} runs one as a child process.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final KafkaRaftServer server;
  private final Path logDir;
  private final boolean deleteOnClose;
  private final int port;
  private final int controllerPort;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, Path logDir, boolean deleteOnClose, int port,
      int controllerPort) {
    this.server = server;
    this.logDir = logDir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Starts a broker with a fresh log directory under {@code java.io.tmpdir}, deleted on close,
   * and creates Cohort's topics ({@link CohortTopics}) with the given partitions.
   */
  public static EmbeddedKafka start(int topicPartitions) {
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(base);
      EmbeddedKafka kafka = start(Files.createTempDirectory(base, "cohort-kafka-"), true);
      CohortTopics.ensure(kafka.bootstrapServers(), topicPartitions, (short) 1, 30_000);
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a broker with a fresh log directory and Cohort's topics, 3 partitions each. */
  public static EmbeddedKafka start() {
    return start(3);
  }

  /**
   * Starts a broker on {@code logDir}, formatting it first when it is empty. A directory kept
   * from an earlier run is reused as it is (same cluster id, same data), but the ports are new.
   */
  public static EmbeddedKafka start(Path logDir, boolean deleteOnClose) {
    return start(logDir, deleteOnClose, freePort(), freePort());
  }

  /**
   * Starts a new broker on this stopped broker's log directory and ports: the same cluster, the
   * same data, the same bootstrap address (for outage tests). Requires a broker started with
   * {@code deleteOnClose = false}.
   */
  public EmbeddedKafka restart() {
    if (!closed || deleteOnClose) {
      throw new IllegalStateException("restart needs a closed broker that kept its data");
    }
    return start(logDir, false, port, controllerPort);
  }

  private static EmbeddedKafka start(Path logDir, boolean deleteOnClose, int port,
      int controllerPort) {
    Properties props = brokerProperties(logDir, port, controllerPort);
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    try {
      Files.createDirectories(logDir);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        Formatter formatter = new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(1)
            .setClusterId(Uuid.randomUuid().toString())
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(logDir.toString())
            .setReleaseVersion(MetadataVersion.latestProduction())
            .setIgnoreFormatted(true);
        formatter.addDirectory(logDir.toString());
        formatter.run();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka log dir " + logDir, e);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    return new EmbeddedKafka(server, logDir, deleteOnClose, port, controllerPort);
  }

  /** {@code host:port} for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The broker's data directory. */
  public Path logDir() {
    return logDir;
  }

  /** Stops the broker and, when asked at start, deletes its data. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      deleteRecursively(logDir);
    }
  }

  static Properties brokerProperties(Path logDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    return p;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a broker until the process is killed: prints {@code bootstrap=HOST:PORT} on standard
   * output once it serves. Argument: an optional log directory to keep (default: a temporary one).
   */
  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka kafka = args.length > 0
        ? start(Path.of(args[0]), false)
        : start();
    if (args.length > 0) {
      CohortTopics.ensure(kafka.bootstrapServers(), 3, (short) 1, 30_000);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
    System.out.println("bootstrap=" + kafka.bootstrapServers());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
