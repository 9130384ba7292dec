package io.cohort.deploy.bench;

import io.cohort.deploy.UserError;
import io.cohort.proto.v1.CreateFederationRequest;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.Federation;
import io.cohort.proto.v1.FederationRef;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark configuration: a coordinator in its own JVM, {@code clients} simulated edge
 * clients each in its own JVM on 127.0.0.1 returning a constant update, a FedAvg federation of a
 * logistic model with the requested number of parameters. The federation starts once every
 * client is connected; round times are the coordinator's own (journaled) round durations.
 */
final class RoundBenchmark {

  static final String FEDERATION = "bench";
  private static final Pattern LISTENING = Pattern.compile("coordinator listening on (\\S+)");
  private static final long POLL_MS = 100; // polling a child process, not test synchronisation

  /** JVM settings of the benchmark's processes. */
  record JvmSettings(List<String> coordinator, List<String> client) {}

  private final int clients;
  private final long parameters;
  private final int warmupRounds;
  private final int rounds;
  private final Encoding encoding;
  private final JvmSettings jvm;
  private final Path dir;

  RoundBenchmark(int clients, long parameters, int warmupRounds, int rounds, Encoding encoding,
      JvmSettings jvm, Path dir) {
    this.clients = clients;
    this.parameters = parameters;
    this.warmupRounds = warmupRounds;
    this.rounds = rounds;
    this.encoding = encoding;
    this.jvm = jvm;
    this.dir = dir;
  }

  BenchResult run() throws InterruptedException {
    try {
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    List<ChildJvm> nodes = new ArrayList<>();
    try (ChildJvm coordinator = ChildJvm.start(jvm.coordinator(), List.of("coordinator",
        "--port", "0", "--http-port", "-1", "--data-dir", dir.resolve("data").toString(),
        "--heartbeat-ms", "5000",
        // plaintext on purpose: the benchmark measures the round, as the recorded results did
        "--insecure"), dir.resolve("logs").resolve("coordinator.log"))) {
      String target = awaitTarget(coordinator);
      ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
      try {
        OperatorServiceGrpc.OperatorServiceBlockingStub operator =
            OperatorServiceGrpc.newBlockingStub(channel);
        operator.withDeadlineAfter(60, TimeUnit.SECONDS).createFederation(
            CreateFederationRequest.newBuilder().setSpec(spec()).build());
        int features = (int) (parameters / 2 - 1);
        for (int i = 1; i <= clients; i++) {
          String node = String.format("node%02d", i);
          List<String> flags = jvm.client().stream().map(f -> f.replace("{node}", node)).toList();
          nodes.add(ChildJvm.start(flags, List.of("client", "--coordinator", target,
              "--federation", FEDERATION, "--node", node,
              "--simulate-elements", Long.toString(parameters),
              "--simulate-input-features", Integer.toString(features), "--insecure"),
              dir.resolve("logs").resolve(node + ".log")));
        }
        FederationRef ref = FederationRef.newBuilder().setFederationId(FEDERATION).build();
        awaitConnected(operator, ref, coordinator, nodes);
        operator.withDeadlineAfter(60, TimeUnit.SECONDS).startFederation(ref);
        awaitRounds(operator, ref, coordinator, warmupRounds);
        long ioBefore = coordinator.ioBytes(); // the measured rounds start here
        double cpuBefore = coordinator.cpuSeconds();
        Federation end = awaitTerminal(operator, ref, coordinator);
        long ioAfter = coordinator.ioBytes();
        double cpu = coordinator.cpuSeconds() - cpuBefore;
        long peakKib = coordinator.procStatusKib("VmHWM");
        if (end.getState() != FederationState.COMPLETED) {
          throw new UserError("benchmark federation " + end.getState() + ": "
              + end.getFailureReason() + "; see " + dir.resolve("logs"));
        }
        List<Long> durations = new ArrayList<>();
        for (RoundSummary r : operator.withDeadlineAfter(60, TimeUnit.SECONDS).listRounds(ref)
            .getRoundsList()) {
          if (r.getOutcome() == RoundOutcome.SUCCEEDED) {
            durations.add(r.getDurationMs());
          }
        }
        long bytesPerElement = encoding == Encoding.FLOAT16 ? 2 : 4;
        return new BenchResult(clients, parameters, encoding.name().toLowerCase(), durations,
            warmupRounds, peakKib, ioAfter - ioBefore,
            clients * parameters * (4 + bytesPerElement), cpu);
      } catch (StatusRuntimeException e) {
        throw new UserError("lost the benchmark coordinator (" + e.getStatus().getCode() + "); see "
            + coordinator.log());
      } finally {
        channel.shutdownNow();
      }
    } finally {
      nodes.forEach(ChildJvm::close);
    }
  }

  private FederationSpec spec() {
    return FederationSpec.newBuilder().setFederationId(FEDERATION)
        .setModel(ModelSpec.newBuilder().setArchitecture("logistic")
            .setInputFeatures((int) (parameters / 2 - 1)).setNumClasses(2))
        .setSchemaFingerprint("simulated").setStrategy("fedavg").setRounds(warmupRounds + rounds)
        .setFractionFit(1.0).setMinNodes(clients).setQuorum(clients)
        .setRoundTimeoutMs(600_000).setEvalTimeoutMs(600_000).setSelectionTimeoutMs(600_000)
        .setMaxRoundRetries(0).setUpdateEncoding(encoding).setSkipEvaluation(true).setSeed(7)
        .build();
  }

  private static String awaitTarget(ChildJvm coordinator) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      Matcher m = LISTENING.matcher(coordinator.output());
      if (m.find()) {
        return m.group(1);
      }
      if (!coordinator.isAlive()) {
        break;
      }
      Thread.sleep(POLL_MS);
    }
    throw new UserError("the benchmark coordinator did not start; see " + coordinator.log());
  }

  private void awaitConnected(OperatorServiceGrpc.OperatorServiceBlockingStub operator,
      FederationRef ref, ChildJvm coordinator, List<ChildJvm> nodes) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 300_000;
    while (System.currentTimeMillis() < deadline) {
      if (operator.withDeadlineAfter(60, TimeUnit.SECONDS).listNodes(ref).getNodesCount()
          >= clients) {
        return;
      }
      checkAlive(coordinator, nodes);
      Thread.sleep(POLL_MS);
    }
    throw new UserError("not all " + clients + " benchmark clients connected within 300 s; see "
        + dir.resolve("logs"));
  }

  /**
   * Returns once {@code count} rounds are done (or the federation ended), polling: the
   * coordinator's CPU and I/O are read here, so they are known to within one poll.
   */
  private static void awaitRounds(OperatorServiceGrpc.OperatorServiceBlockingStub operator,
      FederationRef ref, ChildJvm coordinator, int count) throws InterruptedException {
    while (count > 0) {
      Federation f = operator.withDeadlineAfter(60, TimeUnit.SECONDS).getFederation(ref);
      if (f.getCompletedRounds() >= count || f.getState() != FederationState.RUNNING) {
        return;
      }
      checkAlive(coordinator, List.of());
      Thread.sleep(POLL_MS);
    }
  }

  private Federation awaitTerminal(OperatorServiceGrpc.OperatorServiceBlockingStub operator,
      FederationRef ref, ChildJvm coordinator) throws InterruptedException {
    while (true) {
      Federation f = operator.withDeadlineAfter(60, TimeUnit.SECONDS).getFederation(ref);
      if (f.getState() == FederationState.COMPLETED || f.getState() == FederationState.FAILED
          || f.getState() == FederationState.STOPPED) {
        return f;
      }
      checkAlive(coordinator, List.of());
      Thread.sleep(POLL_MS);
    }
  }

  private static void checkAlive(ChildJvm coordinator, List<ChildJvm> nodes) {
    if (!coordinator.isAlive()) {
      throw new UserError("the benchmark coordinator exited; see " + coordinator.log());
    }
    for (ChildJvm n : nodes) {
      if (!n.isAlive()) {
        throw new UserError("a benchmark client exited early; see " + n.log());
      }
    }
  }
}
