package io.cohort.deploy.bench;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.inference.ApiKeyMetadata;
import io.cohort.coordinator.inference.InferenceSchemas;
import io.cohort.coordinator.inference.InferenceSettings;
import io.cohort.coordinator.inference.ServingEngine;
import io.cohort.coordinator.keys.QuotaPolicy;
import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.deploy.UserError;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ApiKeyServiceGrpc;
import io.cohort.proto.v1.CreateApiKeyRequest;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import io.cohort.proto.v1.InferenceSchema;
import io.cohort.proto.v1.InferenceServiceGrpc;
import io.cohort.proto.v1.InputFeature;
import io.cohort.proto.v1.InputFeatureType;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.PredictRequest;
import io.cohort.proto.v1.PredictResponse;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cohort inference-bench}: predictions per second and p50/p99 latency of single-record
 * requests through real gRPC on 127.0.0.1, at increasing concurrency (closed loop), with
 * micro-batching on and off, for each serving engine (DJL predictor pool, plain Java), then an
 * open loop at a fixed request rate.
 */
@Command(name = "inference-bench", mixinStandardHelpOptions = true,
    description = "Benchmarks the inference API over gRPC on 127.0.0.1 and prints tables.")
public final class InferenceBenchCommand implements Callable<Integer> {

  private static final int FEATURES = 10;

  @Option(names = "--seconds", defaultValue = "3", description = "Duration of each closed-loop"
      + " step (default ${DEFAULT-VALUE}).")
  double seconds;
  @Option(names = "--concurrency", split = ",", defaultValue = "1,4,16,64",
      description = "Client concurrency levels (default ${DEFAULT-VALUE}).")
  int[] concurrency;
  @Option(names = "--rate", defaultValue = "2000",
      description = "Open-loop request rate per second (default ${DEFAULT-VALUE}).")
  int rate;
  @Option(names = "--open-seconds", defaultValue = "5",
      description = "Duration of the open loop (default ${DEFAULT-VALUE}).")
  double openSeconds;
  @Option(names = "--batch-wait-us", defaultValue = "200",
      description = "Micro-batch wait when batching is on, microseconds (default"
          + " ${DEFAULT-VALUE}).")
  long batchWaitUs;

  @Option(names = "--engine", split = ",", defaultValue = "java,djl",
      description = "Serving engines to measure, each with batching on and off: djl, java"
          + " (default ${DEFAULT-VALUE}).")
  List<String> engineNames;

  @Option(names = "--engines", negatable = true, defaultValue = "true",
      description = "Also time the forward pass alone: plain Java vs a DJL (PyTorch) block"
          + " (default ${DEFAULT-VALUE}).")
  boolean engines;

  @Override
  public Integer call() throws Exception {
    List<ServingEngine> servingEngines = new ArrayList<>();
    try {
      for (String name : engineNames) {
        servingEngines.add(ServingEngine.parse(name));
      }
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cpus, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
        + System.getProperty("java.version") + "; load " + loadAverage());
    System.out.println("model: logistic, " + FEATURES + " numeric features, 2 classes;"
        + " usage metered in memory (no Kafka spool)");
    System.out.println();
    // All servers live side by side and take turns, so load from other processes on a
    // shared machine hits every configuration alike.
    List<Bench> benches = new ArrayList<>();
    try {
      for (ServingEngine engine : servingEngines) {
        benches.add(new Bench(engine, Duration.ofNanos(batchWaitUs * 1000)));
        benches.add(new Bench(engine, Duration.ZERO));
      }
      for (Bench b : benches) {
        b.closedLoop(4, 2.0); // JIT warm-up
      }
      System.out.println("| engine | batching | concurrency | predictions/s | p50 ms | p99 ms |");
      System.out.println("|---|---|---:|---:|---:|---:|");
      for (int c : concurrency) {
        for (Bench b : benches) {
          long[] lat = b.closedLoop(c, seconds);
          System.out.printf("| %s | %d | %,.0f | %.3f | %.3f |%n", b.label(), c,
              lat.length / seconds, pct(lat, 50), pct(lat, 99));
        }
      }
      System.out.println();
      System.out.println("| engine | batching | open-loop rate req/s | answered | p50 ms | p99 ms"
          + " | max ms |");
      System.out.println("|---|---|---:|---:|---:|---:|---:|");
      for (Bench b : benches) {
        long[] lat = b.openLoop(rate, openSeconds);
        System.out.printf("| %s | %d | %d | %.3f | %.3f | %.3f |%n", b.label(), rate,
            lat.length, pct(lat, 50), pct(lat, 99),
            lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6);
      }
    } finally {
      benches.forEach(Bench::close);
    }
    System.out.println();
    if (engines) {
      ForwardCost.print(FEATURES);
      System.out.println();
    }
    System.out.println("load after: " + loadAverage());
    return 0;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)]
        / 1e6;
  }

  /** A coordinator serving one logistic model, and a client channel with a key. */
  private static final class Bench implements AutoCloseable {
    final Path dir;
    final CoordinatorServer server;
    final ManagedChannel channel;
    final InferenceServiceGrpc.InferenceServiceBlockingStub blocking;
    final InferenceServiceGrpc.InferenceServiceStub async;
    final PredictRequest request;
    final String label;

    Bench(ServingEngine engine, Duration batchWait) throws Exception {
      label = engine.label() + " | " + (batchWait.isZero() ? "off" : "on");
      dir = Files.createTempDirectory("cohort-inference-bench");
      server = new CoordinatorServer(new CoordinatorServer.Config("127.0.0.1", 0, dir, 60_000,
          2, CoordinatorServer.NO_HTTP), List.of(),
          InferenceSettings.defaults().withBatchWait(batchWait)
              .withQuota(QuotaPolicy.unlimited()).withEngine(engine)).start();
      ModelSpec model = ModelSpec.newBuilder().setArchitecture("logistic")
          .setInputFeatures(FEATURES).setNumClasses(2).build();
      InferenceSchema.Builder schema = InferenceSchema.newBuilder().setFederationId("bench")
          .addClassNames("0").addClassNames("1");
      FeatureRecord.Builder record = FeatureRecord.newBuilder();
      for (int i = 0; i < FEATURES; i++) {
        schema.addFeatures(InputFeature.newBuilder().setName("f" + i)
            .setType(InputFeatureType.NUMERIC).setScale(1));
        record.putFeatures("f" + i, FeatureValue.newBuilder().setNumber(i * 0.1).build());
      }
      InferenceSchemas.save(dir, schema.build());
      Federation f = server.federations().create(FederationSpec.newBuilder()
          .setFederationId("bench").setModel(model).setSchemaFingerprint("bench").setRounds(1)
          .setMinNodes(1).setQuorum(1).setStrategy("fedavg").setPriceAlphaMicros(1_000_000)
          .build());
      float[] params = new ModelArchitecture(model).initialize(7);
      String v = f.registry().publish(params, new ModelRegistry.Lineage("bench", 1, List.of(),
          List.of("n"), "fedavg", Map.of(), model, f.spec().getTrain()), new byte[0])
          .getVersion();
      f.roundFinished(RoundSummary.newBuilder().setRound(1).setAttempt(1)
          .setOutcome(RoundOutcome.SUCCEEDED).setModelVersion(v).setQuality(0.9)
          .addParticipants("n").build(), params);
      channel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();
      String key = ApiKeyServiceGrpc.newBlockingStub(channel).createApiKey(CreateApiKeyRequest
          .newBuilder().setConsumerId("bench").build()).getApiKey();
      blocking = InferenceServiceGrpc.newBlockingStub(channel)
          .withInterceptors(ApiKeyMetadata.bearer(key));
      async = InferenceServiceGrpc.newStub(channel).withInterceptors(ApiKeyMetadata.bearer(key));
      request = PredictRequest.newBuilder().addRecords(record).build();
    }

    String label() {
      return label;
    }

    /** {@code threads} clients each sending one request after the other; sorted latencies. */
    long[] closedLoop(int threads, double secs) throws InterruptedException {
      long end = System.nanoTime() + (long) (secs * 1e9);
      List<long[]> perThread = new ArrayList<>();
      List<Thread> ts = new ArrayList<>();
      AtomicInteger[] counts = new AtomicInteger[threads];
      for (int t = 0; t < threads; t++) {
        long[] lat = new long[4_000_000 / threads];
        perThread.add(lat);
        AtomicInteger n = counts[t] = new AtomicInteger();
        Thread th = new Thread(() -> {
          int i = 0;
          while (System.nanoTime() < end && i < lat.length) {
            long s = System.nanoTime();
            blocking.predict(request);
            lat[i++] = System.nanoTime() - s;
          }
          n.set(i);
        });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        th.join();
      }
      int total = Arrays.stream(counts).mapToInt(AtomicInteger::get).sum();
      long[] all = new long[total];
      int at = 0;
      for (int t = 0; t < threads; t++) {
        System.arraycopy(perThread.get(t), 0, all, at, counts[t].get());
        at += counts[t].get();
      }
      Arrays.sort(all);
      return all;
    }

    /** Requests sent on a fixed schedule regardless of answers; latency from the schedule. */
    long[] openLoop(int perSecond, double secs) throws InterruptedException {
      int n = (int) (perSecond * secs);
      long[] lat = new long[n];
      CountDownLatch done = new CountDownLatch(n);
      long interval = 1_000_000_000L / perSecond;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long due = start + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        int idx = i;
        async.predict(request, new StreamObserver<PredictResponse>() {
          @Override
          public void onNext(PredictResponse value) {
            lat[idx] = System.nanoTime() - due;
          }

          @Override
          public void onError(Throwable t) {
            lat[idx] = Long.MAX_VALUE;
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
      }
      done.await(60, TimeUnit.SECONDS);
      // Only answered requests count: refused or unanswered ones are left out (and show as
      // fewer than rate x seconds answered).
      long[] answered = Arrays.stream(lat).filter(l -> l > 0 && l != Long.MAX_VALUE).sorted()
          .toArray();
      return answered;
    }

    @Override
    public void close() {
      channel.shutdownNow();
      server.close();
    }
  }
}
