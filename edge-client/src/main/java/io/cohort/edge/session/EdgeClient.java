package io.cohort.edge.session;

import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.model.codec.EncodedPayload;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.Heartbeat;
import io.cohort.proto.v1.Hello;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.ServerMessage;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TaskKind;
import io.cohort.proto.v1.TaskProgress;
import io.cohort.proto.v1.TaskResponse;
import io.cohort.proto.v1.UploadReceipt;
import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.TlsChannels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data owner's connection to the coordinator: keeps one session open (reconnecting with
 * exponential backoff and full jitter when it drops), answers tasks one at a time on a worker
 * thread (downloading the model, running {@link LocalWork}, uploading the update), and sends
 * heartbeats. Raw data never passes through here, only parameters and metrics.
 */
public final class EdgeClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EdgeClient.class);
  /** Session refusals that retrying cannot fix: the client stops and says why. */
  private static final Set<Status.Code> FATAL = EnumSet.of(Status.Code.INVALID_ARGUMENT,
      Status.Code.FAILED_PRECONDITION, Status.Code.PERMISSION_DENIED,
      Status.Code.UNAUTHENTICATED);

  /**
   * Connection settings.
   *
   * @param credentials the node's bundle for mutual TLS; null connects in plaintext (insecure)
   */
  public record Config(String target, String federationId, String nodeId, long initialBackoffMs,
      long maxBackoffMs, Credentials credentials) {
    public Config(String target, String federationId, String nodeId) {
      this(target, federationId, nodeId, 500, 10_000);
    }

    public Config(String target, String federationId, String nodeId, long initialBackoffMs,
        long maxBackoffMs) {
      this(target, federationId, nodeId, initialBackoffMs, maxBackoffMs, null);
    }

    /** The same settings over mutual TLS with this bundle. */
    public Config withCredentials(Credentials c) {
      return new Config(target, federationId, nodeId, initialBackoffMs, maxBackoffMs, c);
    }
  }

  private final Config config;
  private final DatasetSummary dataset;
  private final Capabilities capabilities;
  private final LocalWork work;
  private final ClientListener listener;
  private final ManagedChannel channel;
  private final ExecutorService worker;
  private final ScheduledExecutorService timers;
  private final Map<String, AtomicBoolean> cancelled = new ConcurrentHashMap<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean closing;
  private volatile StreamObserver<ClientMessage> outbound;
  private volatile ModelSpec model;
  private volatile String endState;
  private volatile String fatalError;

  public EdgeClient(Config config, DatasetSummary dataset, Capabilities capabilities,
      LocalWork work, ClientListener listener) {
    this.config = config;
    this.dataset = dataset;
    this.capabilities = capabilities;
    this.work = work;
    this.listener = listener;
    this.channel = TlsChannels.forTarget(config.target(), config.credentials())
        .maxInboundMessageSize(8 << 20).keepAliveTime(30, TimeUnit.SECONDS).build();
    this.worker = Executors.newSingleThreadExecutor(daemon("edge-worker-" + config.nodeId()));
    this.timers = Executors.newSingleThreadScheduledExecutor(
        daemon("edge-timer-" + config.nodeId()));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Opens the session (and keeps reopening it) in the background. */
  public EdgeClient start() {
    timers.execute(() -> connect(0));
    return this;
  }

  /**
   * Waits until the federation ended or the client hit an unrecoverable error.
   *
   * @return the federation's final state, or null on timeout
   * @throws IllegalStateException with the coordinator's reason when the session was refused
   */
  public String awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    if (!finished.await(timeout, unit)) {
      return null;
    }
    if (fatalError != null) {
      throw new IllegalStateException(fatalError);
    }
    return endState;
  }

  private void connect(int attempt) {
    if (closing) {
      return;
    }
    FederationServiceGrpc.FederationServiceStub stub = FederationServiceGrpc.newStub(channel);
    SessionObserver session = new SessionObserver(attempt);
    StreamObserver<ClientMessage> out = stub.session(session);
    outbound = out;
    send(ClientMessage.newBuilder().setHello(Hello.newBuilder()
        .setFederationId(config.federationId()).setNodeId(config.nodeId()).setDataset(dataset)
        .setCapabilities(capabilities).setClientVersion("cohort-edge/0.1")).build());
  }

  private void scheduleReconnect(int attempt, String reason) {
    if (closing) {
      return;
    }
    long cap = Math.min(config.maxBackoffMs(), config.initialBackoffMs() * (1L << Math.min(attempt, 16)));
    long delay = ThreadLocalRandom.current().nextLong(config.initialBackoffMs() / 2, cap + 1);
    listener.disconnected(reason, delay);
    log.info("node={} session lost ({}); reconnecting in {} ms", config.nodeId(), reason, delay);
    timers.schedule(() -> connect(attempt + 1), delay, TimeUnit.MILLISECONDS);
  }

  private synchronized void send(ClientMessage message) {
    StreamObserver<ClientMessage> out = outbound;
    if (out == null) {
      return;
    }
    try {
      out.onNext(message);
    } catch (RuntimeException e) {
      log.debug("node={} send failed: {}", config.nodeId(), e.toString());
    }
  }

  private final class SessionObserver implements StreamObserver<ServerMessage> {
    private final int attempt;
    private volatile boolean welcomed;
    private java.util.concurrent.ScheduledFuture<?> heartbeat;

    SessionObserver(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public void onNext(ServerMessage message) {
      switch (message.getKindCase()) {
        case WELCOME -> {
          welcomed = true;
          model = message.getWelcome().getModel();
          long interval = Math.max(200, message.getWelcome().getHeartbeatIntervalMs());
          heartbeat = timers.scheduleAtFixedRate(() -> send(ClientMessage.newBuilder()
                  .setHeartbeat(Heartbeat.newBuilder().setSentAtMs(System.currentTimeMillis()))
                  .build()), interval, interval, TimeUnit.MILLISECONDS);
          log.info("node={} connected session={}", config.nodeId(),
              message.getWelcome().getSessionId());
          listener.connected(message.getWelcome().getSessionId());
        }
        case TASK -> onTask(message.getTask());
        case CANCEL -> {
          AtomicBoolean flag = cancelled.get(message.getCancel().getTaskId());
          if (flag != null) {
            flag.set(true);
          }
        }
        case ENDED -> {
          endState = message.getEnded().getState();
          listener.federationEnded(endState, message.getEnded().getReason(),
              message.getEnded().getFinalModelVersion());
          finished.countDown();
        }
        default -> { }
      }
    }

    @Override
    public void onError(Throwable t) {
      stopHeartbeat();
      Status status = Status.fromThrowable(t);
      if (!welcomed && FATAL.contains(status.getCode())) {
        fatalError = "coordinator refused node " + config.nodeId() + ": "
            + status.getDescription();
        log.debug("node={} {}", config.nodeId(), fatalError); // the caller reports it
        finished.countDown();
        return;
      }
      if (finished.getCount() > 0) {
        scheduleReconnect(welcomed ? 0 : attempt, status.getCode() + " "
            + (status.getDescription() == null ? "" : status.getDescription()));
      }
    }

    @Override
    public void onCompleted() {
      stopHeartbeat();
      if (finished.getCount() > 0) {
        scheduleReconnect(0, "session closed by coordinator");
      }
    }

    private void stopHeartbeat() {
      if (heartbeat != null) {
        heartbeat.cancel(false);
      }
    }
  }

  private void onTask(Task task) {
    if (task.getKind() == TaskKind.TRAIN) {
      Optional<LocalWork.Decline> decline = work.precheck(task);
      if (decline.isPresent()) {
        send(ClientMessage.newBuilder().setTaskResponse(TaskResponse.newBuilder()
            .setTaskId(task.getTaskId()).setAccepted(false)
            .setDeclineCode(decline.get().code()).setDeclineMessage(decline.get().message()))
            .build());
        listener.declined(task, decline.get().code(), decline.get().message());
        return;
      }
    }
    send(ClientMessage.newBuilder().setTaskResponse(TaskResponse.newBuilder()
        .setTaskId(task.getTaskId()).setAccepted(true)).build());
    AtomicBoolean flag = new AtomicBoolean();
    cancelled.put(task.getTaskId(), flag);
    worker.execute(() -> {
      try {
        if (flag.get() || System.currentTimeMillis() > task.getDeadlineMs()) {
          listener.taskFailed(task, "cancelled or expired before it started");
          return;
        }
        if (task.getKind() == TaskKind.TRAIN) {
          train(task, flag);
        } else {
          evaluate(task);
        }
      } catch (Exception e) {
        String reason = e instanceof StatusRuntimeException s
            ? s.getStatus().getCode() + ": " + s.getStatus().getDescription() : e.toString();
        log.warn("node={} round={} task={} failed: {}", config.nodeId(), task.getRound(),
            task.getTaskId(), reason);
        listener.taskFailed(task, reason);
      } finally {
        cancelled.remove(task.getTaskId());
      }
    });
  }

  private void train(Task task, AtomicBoolean flag) throws Exception {
    ModelArchitecture arch = new ModelArchitecture(model);
    var stub = FederationServiceGrpc.newBlockingStub(channel);
    float[] global = null;
    if (work.usesGlobalParameters()) {
      global = ModelDownloader.download(stub, task, config.nodeId(), arch.layout());
    } else {
      ModelDownloader.skim(stub, task, config.nodeId(), arch.layout());
    }
    listener.trainingStarted(task);
    long[] lastProgress = {0};
    TrainOutcome outcome = work.train(arch.spec(), task, global, (fraction, loss) -> {
      listener.trainingProgress(task, fraction, loss);
      long now = System.currentTimeMillis();
      if (now - lastProgress[0] > 1_000) {
        lastProgress[0] = now;
        send(ClientMessage.newBuilder().setProgress(TaskProgress.newBuilder()
            .setTaskId(task.getTaskId()).setFraction(fraction).setLoss(loss)).build());
      }
    }, flag::get);
    if (flag.get()) {
      listener.taskFailed(task, "cancelled by the coordinator");
      return;
    }
    EncodedPayload encoded = work.encode(outcome, task.getUpdateEncoding());
    UploadReceipt receipt = uploadWithRetry(task, arch, outcome, encoded);
    listener.trained(task, outcome, receipt.getDuplicate());
  }

  private UploadReceipt uploadWithRetry(Task task, ModelArchitecture arch, TrainOutcome outcome,
      EncodedPayload encoded) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return UpdateUploader.upload(FederationServiceGrpc.newStub(channel), task,
            config.nodeId(), arch.trainableLayout(), outcome, encoded);
      } catch (StatusRuntimeException e) {
        boolean transient_ = e.getStatus().getCode() == Status.Code.UNAVAILABLE;
        if (!transient_ || attempt >= 3 || System.currentTimeMillis() > task.getDeadlineMs()) {
          throw e;
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1_000L * attempt)); // backoff
      }
    }
  }

  private void evaluate(Task task) {
    ModelArchitecture arch = new ModelArchitecture(model);
    float[] params = ModelDownloader.download(FederationServiceGrpc.newBlockingStub(channel),
        task, config.nodeId(), arch.layout());
    EvaluationResult result = work.evaluate(arch.spec(), task, params).toBuilder()
        .setTaskId(task.getTaskId()).build();
    send(ClientMessage.newBuilder().setEvaluation(result).build());
    listener.evaluated(task, result);
  }

  @Override
  public void close() {
    closing = true;
    synchronized (this) {
      if (outbound != null) {
        try {
          outbound.onCompleted();
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    }
    finished.countDown();
    worker.shutdownNow();
    timers.shutdownNow();
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
