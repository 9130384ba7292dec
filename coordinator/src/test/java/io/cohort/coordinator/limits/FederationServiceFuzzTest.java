package io.cohort.coordinator.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.NodeEvents;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.operator.OperatorGrpcService;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.coordinator.transfer.FederationGrpcService;
import io.cohort.coordinator.transfer.TestNodeSession;
import io.cohort.model.codec.PayloadEncoder;
import io.cohort.model.codec.Sha256;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.ClientMessage;
import io.cohort.proto.v1.DownloadModelRequest;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.FederationServiceGrpc;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.Manifest;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.OperatorServiceGrpc;
import io.cohort.proto.v1.ServerMessage;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TensorSpec;
import io.cohort.proto.v1.UpdateChunk;
import io.cohort.proto.v1.UpdateData;
import io.cohort.proto.v1.UpdateHeader;
import io.cohort.proto.v1.UpdateTrailer;
import io.cohort.proto.v1.UploadReceipt;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the coordinator's gRPC services on 127.0.0.1 while a round waits for a real node's update:
 * mutated upload streams (every one broken in at least one way), mutated download requests, and
 * random bytes sent to every method of the federation and operator services. Each call must end
 * within its deadline with a precise status (never UNKNOWN or INTERNAL), and a refused call must
 * leave the federation, its rounds, the model registry, the journal and the nodes unchanged.
 *
 * <p>The transfer limits are raised so that the per-caller rate limit does not mask the deeper
 * checks (it has its own test). The number of inputs tried per property is printed at the end.
 */
class FederationServiceFuzzTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("mlp")
      .setInputFeatures(4).addHiddenLayers(3).setNumClasses(2).build();
  static final ParameterLayout LAYOUT = new ModelArchitecture(MODEL).trainableLayout();
  static final InputLimits FUZZ_LIMITS = new InputLimits(128, 16 << 10, 1e9, 1_000_000);
  static final long DEADLINE_MS = 5_000;

  static Path dir;
  static Federations federations;
  static Server server;
  static ManagedChannel channel;
  static Federation federation;
  static StreamObserver<ClientMessage> session;
  static Task task;
  static byte[] payload;
  static final Map<Status.Code, AtomicInteger> outcomes = new EnumMap<>(Status.Code.class);
  static final Map<String, AtomicInteger> tried = new java.util.TreeMap<>();

  @BeforeContainer
  static void startCoordinatorWithAnOpenTrainingTask() throws Exception {
    dir = Files.createTempDirectory("cohort-fuzz");
    federations = new Federations(dir, List.of());
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(MalformedRequests.refusedPrecisely(new FederationGrpcService(federations,
            500, 2, NodeEvents.unobserved(), FUZZ_LIMITS).bindService(),
            FederationGrpcService.READ_IN_PLACE)) // uploads parsed in place, as in production
        .addService(MalformedRequests.refusedPrecisely(
            new OperatorGrpcService(federations, AuditLog.inMemory())))
        .maxInboundMessageSize(CoordinatorServer.MAX_INBOUND_MESSAGE_BYTES)
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
        .build();
    federation = federations.create(FederationSpec.newBuilder().setFederationId("fed")
        .setModel(MODEL).setSchemaFingerprint("s").setRounds(1).setMinNodes(1)
        .setRoundTimeoutMs(600_000).setEvalTimeoutMs(2_000).setMaxUpdateNorm(1e6).build());
    BlockingQueue<ServerMessage> inbox = new LinkedBlockingQueue<>();
    session = TestNodeSession.open(channel, "n1", 4, inbox);
    federation.start();
    ServerMessage m;
    do {
      m = inbox.poll(20, TimeUnit.SECONDS);
      assertThat(m).as("task from the coordinator").isNotNull();
    } while (!m.hasTask());
    task = m.getTask();
    float[] delta = new float[LAYOUT.totalElements()];
    Arrays.fill(delta, 0.25f);
    payload = PayloadEncoder.encode(delta, Encoding.FLOAT32);
  }

  @AfterContainer
  static void stopAndReport() throws IOException {
    System.out.println("Fuzz inputs tried per property: " + tried);
    System.out.println("Fuzz outcomes by status: " + outcomes);
    examples.forEach((code, example) -> System.out.println("  e.g. " + code + " " + (example
        .length() > 200 ? example.substring(0, 200) + "..." : example)));
    session.onCompleted();
    channel.shutdownNow();
    server.shutdownNow();
    federations.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  // --- properties -------------------------------------------------------------------------

  @Property(tries = 600)
  void mutatedUploadStreamsAreRefusedPreciselyWithoutStateChange(
      @ForAll("brokenUploads") List<UpdateChunk> stream) throws Exception {
    String before = state();
    Status status = upload(stream);
    record("upload", status);
    assertPrecise(status);
    assertThat(status.isOk()).as("a broken upload was accepted").isFalse();
    assertThat(state()).isEqualTo(before);
  }

  @Property(tries = 300)
  void mutatedDownloadRequestsAreRefusedPrecisely(
      @ForAll("brokenDownloads") DownloadModelRequest request) throws Exception {
    String before = state();
    Status status = call(FederationServiceGrpc.getDownloadModelMethod().getFullMethodName(),
        List.of(request.toByteArray()), false);
    record("download", status);
    assertPrecise(status);
    assertThat(status.isOk()).as("a download for a wrong task was served").isFalse();
    assertThat(state()).isEqualTo(before);
  }

  @Property(tries = 600)
  void randomBytesToEveryMethodGetAPreciseStatus(@ForAll("methods") String method,
      @ForAll("garbage") List<byte[]> messages) throws Exception {
    String before = state();
    boolean session = method.equals(FederationServiceGrpc.getSessionMethod().getFullMethodName());
    Status status = call(method, messages, session);
    record("random-bytes", status);
    assertPrecise(status);
    if (!status.isOk()) {
      assertThat(state()).isEqualTo(before);
    }
  }

  @Property(tries = 30)
  void hugeIdsInOperatorRequestsGetAPreciseShortStatus(@ForAll("operatorMethods") String method,
      @ForAll("hugeIds") String id) throws Exception {
    String before = state();
    Status status = call(method, List.of(io.cohort.proto.v1.FederationRef.newBuilder()
        .setFederationId(id).build().toByteArray()), false);
    record("huge-ids", status);
    assertPrecise(status);
    assertThat(status.getDescription()).hasSizeLessThan(MalformedRequests.MAX_DESCRIPTION_CHARS
        + 100);
    assertThat(state()).isEqualTo(before);
  }

  @Provide
  Arbitrary<String> operatorMethods() {
    return Arbitraries.of(OperatorServiceGrpc.getGetFederationMethod(),
        OperatorServiceGrpc.getPauseFederationMethod(),
        OperatorServiceGrpc.getStopFederationMethod(), OperatorServiceGrpc.getListNodesMethod())
        .map(MethodDescriptor::getFullMethodName);
  }

  @Provide
  Arbitrary<String> hugeIds() {
    return Arbitraries.strings().alpha().ofMinLength(10_000).ofMaxLength(1_000_000);
  }

  // --- generators ---------------------------------------------------------------------------

  /** The valid upload for the open task, then 1 to 3 mutations that each break it. */
  @Provide
  Arbitrary<List<UpdateChunk>> brokenUploads() {
    Arbitrary<Mutation> mutation = Arbitraries.of(Mutation.values());
    return Arbitraries.randomValue(random -> {
      List<UpdateChunk> valid = validUpload(payload.length / 2 + random.nextInt(payload.length));
      List<UpdateChunk> stream = valid;
      int n = 1 + random.nextInt(3);
      // Mutations can cancel out (a second header, then the first dropped): mutate until broken.
      for (int i = 0; i < n || stream.equals(valid); i++) {
        stream = mutation.generator(1).next(random).value().apply(stream, random);
      }
      return stream;
    });
  }

  @Provide
  Arbitrary<DownloadModelRequest> brokenDownloads() {
    Arbitrary<String> junk = Arbitraries.strings().ofMaxLength(300);
    return Arbitraries.oneOf(
        junk.map(s -> request().setTaskId(s).build()),
        junk.filter(s -> !s.equals("n1")).map(s -> request().setNodeId(s).build()),
        junk.filter(s -> !s.equals(task.getModelVersion()))
            .map(s -> request().setModelVersion(s).build()));
  }

  @Provide
  Arbitrary<String> methods() {
    List<String> names = new ArrayList<>();
    for (var d : List.of(FederationServiceGrpc.getServiceDescriptor(),
        OperatorServiceGrpc.getServiceDescriptor())) {
      d.getMethods().forEach(m -> names.add(m.getFullMethodName()));
    }
    return Arbitraries.of(names);
  }

  /** Random bytes, or a valid message of some other type with random bytes spliced in. */
  @Provide
  Arbitrary<List<byte[]>> garbage() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000);
    Arbitrary<byte[]> spliced = Arbitraries.randomValue(r -> {
      byte[] base = validUpload(payload.length).get(r.nextInt(3)).toByteArray();
      for (int i = 0; i < 1 + r.nextInt(4); i++) {
        base[r.nextInt(base.length)] = (byte) r.nextInt(256);
      }
      return base;
    });
    return Arbitraries.oneOf(random, spliced).list().ofMinSize(1).ofMaxSize(3);
  }

  enum Mutation {
    DROP_HEADER((s, r) -> s.subList(1, s.size())),
    SECOND_HEADER((s, r) -> insert(s, 1 + r.nextInt(s.size() - 1), s.get(0))),
    DROP_TRAILER((s, r) -> s.subList(0, s.size() - 1)),
    DROP_A_CHUNK((s, r) -> remove(s, 1 + r.nextInt(s.size() - 2))),
    FLIP_PAYLOAD_BYTE((s, r) -> mapData(s, r, d -> {
      byte[] b = d.getData().toByteArray();
      b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
      return d.toBuilder().setData(ByteString.copyFrom(b)).build();
    })),
    NAN_VALUE((s, r) -> mapData(s, r, d -> {
      byte[] b = d.getData().toByteArray();
      if (b.length < 4) { // too short to hold a float: break it another way
        return d.toBuilder().setData(ByteString.EMPTY).build();
      }
      int at = (r.nextInt(b.length / 4)) * 4;
      b[at] = 0;
      b[at + 1] = 0;
      b[at + 2] = (byte) 0xc0;
      b[at + 3] = 0x7f; // float NaN, little-endian
      return d.toBuilder().setData(ByteString.copyFrom(b)).build();
    })),
    WRONG_OFFSET((s, r) -> mapData(s, r, d -> d.toBuilder()
        .setOffset(d.getOffset() + 1 + r.nextInt(1000)).build())),
    EMPTY_CHUNK((s, r) -> insert(s, 1, chunk(UpdateData.newBuilder().setOffset(0).build()))),
    BAD_CHECKSUM((s, r) -> replaceLast(s, UpdateChunk.newBuilder().setTrailer(
        UpdateTrailer.newBuilder().setSha256(randomHex(r))).build())),
    EMPTY_MESSAGE((s, r) -> insert(s, 1 + r.nextInt(s.size() - 1),
        UpdateChunk.getDefaultInstance())),
    TASK_ID((s, r) -> header(s, h -> h.setTaskId(randomText(r)))),
    NODE_ID((s, r) -> header(s, h -> h.setNodeId("x" + randomText(r)))),
    ROUND((s, r) -> header(s, h -> h.setRound(h.getRound() + 1 + r.nextInt(100)))),
    BASE_VERSION((s, r) -> header(s, h -> h.setBaseVersion("v" + randomText(r)))),
    SAMPLE_COUNT((s, r) -> header(s, h -> h.setSampleCount(-r.nextInt(1000)))),
    ENCODING((s, r) -> header(s, h -> h.setManifest(h.getManifest().toBuilder()
        .setEncoding(Encoding.FLOAT16)))),
    TOTAL_BYTES((s, r) -> header(s, h -> h.setManifest(h.getManifest().toBuilder()
        .setTotalBytes(h.getManifest().getTotalBytes() + 1 + r.nextInt(1 << 20))))),
    TENSOR_SHAPE((s, r) -> header(s, h -> {
      Manifest.Builder m = h.getManifest().toBuilder();
      TensorSpec.Builder t = m.getTensors(0).toBuilder();
      t.setShape(0, t.getShape(0) + 1 + r.nextInt(5));
      return h.setManifest(m.setTensors(0, t));
    })),
    TENSOR_NAME((s, r) -> header(s, h -> {
      Manifest.Builder m = h.getManifest().toBuilder();
      return h.setManifest(m.setTensors(0, m.getTensors(0).toBuilder()
          .setName("evil" + randomText(r))));
    })),
    EXTRA_TENSORS((s, r) -> header(s, h -> {
      Manifest.Builder m = h.getManifest().toBuilder();
      for (int i = 0; i < 1 + r.nextInt(50); i++) {
        m.addTensors(m.getTensors(0).toBuilder().setName("extra" + i));
      }
      return h.setManifest(m);
    })),
    DATA_AFTER_TRAILER((s, r) -> {
      List<UpdateChunk> out = new ArrayList<>(s);
      out.add(s.get(1));
      // keep what comes before the trailer broken: one payload-carrying chunk short (removing
      // an empty chunk an earlier mutation inserted would leave a complete, valid upload)
      for (int i = 0; i < s.size() - 1; i++) {
        if (s.get(i).hasData() && !s.get(i).getData().getData().isEmpty()) {
          return remove(out, i);
        }
      }
      return remove(out, 0);
    });

    private final Op op;

    Mutation(Op op) {
      this.op = op;
    }

    /** Streams shorter than header, data, trailer are broken already: left as they are. */
    List<UpdateChunk> apply(List<UpdateChunk> s, java.util.Random r) {
      return s.size() < 3 ? s : op.apply(List.copyOf(s), r);
    }
  }

  @FunctionalInterface
  interface Op {
    List<UpdateChunk> apply(List<UpdateChunk> stream, java.util.Random random);
  }

  // --- helpers ------------------------------------------------------------------------------

  static DownloadModelRequest.Builder request() {
    return DownloadModelRequest.newBuilder().setTaskId(task.getTaskId()).setNodeId("n1")
        .setModelVersion(task.getModelVersion());
  }

  /** Header, data in chunks of {@code chunkBytes}, trailer: what an honest node sends. */
  static List<UpdateChunk> validUpload(int chunkBytes) {
    List<UpdateChunk> s = new ArrayList<>();
    s.add(UpdateChunk.newBuilder().setHeader(UpdateHeader.newBuilder()
        .setTaskId(task.getTaskId()).setNodeId("n1").setRound(task.getRound())
        .setBaseVersion(task.getModelVersion()).setSampleCount(50)
        .setManifest(LAYOUT.toManifest(Encoding.FLOAT32, null))).build());
    for (int off = 0; off < payload.length; off += chunkBytes) {
      s.add(chunk(UpdateData.newBuilder().setOffset(off).setData(ByteString.copyFrom(payload, off,
          Math.min(chunkBytes, payload.length - off))).build()));
    }
    s.add(UpdateChunk.newBuilder().setTrailer(UpdateTrailer.newBuilder()
        .setSha256(Sha256.of(payload))).build());
    return s;
  }

  static UpdateChunk chunk(UpdateData d) {
    return UpdateChunk.newBuilder().setData(d).build();
  }

  static List<UpdateChunk> insert(List<UpdateChunk> s, int at, UpdateChunk c) {
    List<UpdateChunk> out = new ArrayList<>(s);
    out.add(at, c);
    return out;
  }

  static List<UpdateChunk> remove(List<UpdateChunk> s, int at) {
    List<UpdateChunk> out = new ArrayList<>(s);
    out.remove(at);
    return out;
  }

  static List<UpdateChunk> replaceLast(List<UpdateChunk> s, UpdateChunk c) {
    List<UpdateChunk> out = new ArrayList<>(s);
    out.set(out.size() - 1, c);
    return out;
  }

  static List<UpdateChunk> header(List<UpdateChunk> s,
      java.util.function.UnaryOperator<UpdateHeader.Builder> change) {
    List<UpdateChunk> out = new ArrayList<>(s);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).hasHeader()) {
        out.set(i, UpdateChunk.newBuilder().setHeader(change.apply(out.get(i).getHeader()
            .toBuilder())).build());
        return out;
      }
    }
    return out;
  }

  static List<UpdateChunk> mapData(List<UpdateChunk> s, java.util.Random r,
      java.util.function.UnaryOperator<UpdateData> change) {
    List<Integer> data = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      if (s.get(i).hasData() && !s.get(i).getData().getData().isEmpty()) {
        data.add(i);
      }
    }
    if (data.isEmpty()) {
      return s;
    }
    List<UpdateChunk> out = new ArrayList<>(s);
    int at = data.get(r.nextInt(data.size()));
    out.set(at, chunk(change.apply(out.get(at).getData())));
    return out;
  }

  static String randomText(java.util.Random r) {
    char[] c = new char[1 + r.nextInt(r.nextBoolean() ? 20 : 400)];
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) (32 + r.nextInt(0x2000));
    }
    return new String(c);
  }

  static String randomHex(java.util.Random r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      b.append(Character.forDigit(r.nextInt(16), 16));
    }
    return b.toString();
  }

  /** Everything a refused call must not change. Nodes without last_seen and refusal counters. */
  static String state() throws IOException {
    StringBuilder s = new StringBuilder();
    s.append(federations.list().stream().map(f -> f.toProto().toString()).toList());
    s.append(federation.rounds());
    for (Node n : federation.nodes().snapshot()) {
      s.append(n.toBuilder().clearLastSeenMs().clearRejectedUploads().clearSuspect()
          .clearLastFlagReason().build());
    }
    s.append(Arrays.toString(federation.currentParameters()));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        if (!p.toString().contains("audit")) {
          s.append(p).append(':').append(Files.size(p)).append('\n');
        }
      }
    }
    return s.toString();
  }

  static void assertPrecise(Status status) {
    assertThat(status.getCode()).as("status %s", status)
        .isNotIn(Status.Code.UNKNOWN, Status.Code.INTERNAL);
    if (!status.isOk() && status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
      assertThat(status.getDescription()).as("refusal message").isNotBlank();
    }
  }

  static final Map<Status.Code, String> examples = new EnumMap<>(Status.Code.class);

  static void record(String property, Status status) {
    examples.putIfAbsent(status.getCode(), property + ": " + status.getDescription());
    tried.computeIfAbsent(property, k -> new AtomicInteger()).incrementAndGet();
    outcomes.computeIfAbsent(status.getCode(), k -> new AtomicInteger()).incrementAndGet();
  }

  static Status upload(List<UpdateChunk> stream) throws Exception {
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<UpdateChunk> out = FederationServiceGrpc.newStub(channel)
        .withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
        .uploadUpdate(new StreamObserver<UploadReceipt>() {
          @Override
          public void onNext(UploadReceipt value) {}

          @Override
          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    for (UpdateChunk c : stream) {
      out.onNext(c);
    }
    out.onCompleted();
    return done.get(DEADLINE_MS * 2, TimeUnit.MILLISECONDS);
  }

  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /**
   * Sends raw messages to a method and half-closes (a session is left open: the coordinator may
   * rightly wait for more, so its deadline is short and DEADLINE_EXCEEDED is a fine answer).
   */
  static Status call(String method, List<byte[]> messages, boolean longLived) throws Exception {
    MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    ClientCall<byte[], byte[]> call = channel.newCall(descriptor, CallOptions.DEFAULT
        .withDeadlineAfter(longLived ? 500 : DEADLINE_MS, TimeUnit.MILLISECONDS));
    CompletableFuture<Status> done = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        done.complete(status);
      }
    }, new Metadata());
    call.request(Integer.MAX_VALUE);
    for (byte[] m : messages) {
      call.sendMessage(m);
    }
    if (!longLived) {
      call.halfClose();
    }
    return done.get(DEADLINE_MS * 2, TimeUnit.MILLISECONDS);
  }
}
