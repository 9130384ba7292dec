package io.cohort.coordinator.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cohort.model.codec.EncodedPayload;
import io.cohort.model.codec.PayloadEncoder;
import io.cohort.model.codec.Sha256;
import io.cohort.model.identity.Identity;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.ModelVersion;
import io.cohort.proto.v1.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Immutable model versions on local disk. A version is named by the SHA-256 of its float32
 * payload (first 16 hex digits); its files are {@code <version>.bin} (payload),
 * {@code <version>.json} (metadata), optionally {@code <version>.strategy} (server optimizer
 * state after the round) and {@code <version>.metrics.json} (evaluation, written once).
 *
 * <p>The payload is shared, but metadata, metrics and optimizer state belong to a federation:
 * two federations that start from the same base model hold the same version with their own
 * lineage. The first federation to store a version owns the plain file names; any other keeps
 * its records as {@code <version>@<federation>.json} (and {@code .metrics.json},
 * {@code .strategy}).
 *
 * <p>Payloads are serialized once and kept in a small cache, so every download of a version
 * streams the same bytes.
 */
public final class ModelRegistry {

  // Only the newest version: every task of a round downloads it; older payloads are re-read
  // from disk on demand (each cached one is 4 bytes per parameter: 40 MB at 10M).
  private static final int CACHED_PAYLOADS = 1;

  private final Path dir;
  // Versions staged whose files are not all written yet, by federation/version (guarded by this).
  private final Map<String, Pending> pending = new HashMap<>();
  // Which federation owns a version's plain file names (guarded by this).
  private final Map<String, String> owners = new HashMap<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "model-registry-writer");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, byte[]> payloadCache = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
      return size() > CACHED_PAYLOADS;
    }
  };

  public ModelRegistry(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create model registry " + dir, e);
    }
  }

  /** The directory holding the versions; its parent is the coordinator's data directory. */
  public Path directory() {
    return dir;
  }

  /** What a new version is made of, apart from its parameters. */
  public record Lineage(String federationId, int round, List<String> parents,
      List<String> participants, String strategy, Map<String, Double> strategyParams,
      ModelSpec model, TrainConfig trainConfig) {}

  /** A version in memory (downloadable at once) whose files are being made durable. */
  public record Staged(ModelVersion version, CompletableFuture<Void> durable) {}

  /**
   * Stores a new version and returns once its files are durable (idempotent: the same content
   * gives the same version).
   */
  public ModelVersion publish(float[] parameters, Lineage lineage, byte[] strategyState) {
    Staged staged = stage(parameters, lineage, strategyState);
    try {
      staged.durable().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return staged.version();
  }

  /**
   * Makes a new version available in memory at once (its payload is served to downloads and
   * {@link #get} finds it) and writes its files in the background, one version after another.
   * Whoever records the version as part of the federation's history (the journal) waits for
   * {@code durable} first; until then a crash loses only this version, never a journaled one.
   */
  public Staged stage(float[] parameters, Lineage lineage, byte[] strategyState) {
    ParameterLayout layout = new ModelArchitecture(lineage.model()).layout();
    if (parameters.length != layout.totalElements()) {
      throw new IllegalArgumentException("model has " + parameters.length
          + " parameters, its architecture " + layout.totalElements());
    }
    EncodedPayload encoded = EncodedPayload.of(parameters, Encoding.FLOAT32);
    byte[] payload = encoded.bytes();
    String sha = encoded.sha256();
    String version = sha.substring(0, 16);
    ModelVersion meta = ModelVersion.newBuilder()
        .setVersion(version)
        .setFederationId(lineage.federationId())
        .setRound(lineage.round())
        .addAllParents(lineage.parents())
        .addAllParticipants(lineage.participants())
        .setStrategy(lineage.strategy())
        .putAllStrategyParams(lineage.strategyParams())
        .setModel(lineage.model())
        .setTrainConfig(lineage.trainConfig())
        .setManifest(layout.toManifest(Encoding.FLOAT32, sha))
        .setCreatedAtMs(System.currentTimeMillis())
        .build();
    String key = key(lineage.federationId(), version);
    synchronized (this) {
      // Ownership is decided now, not when the files land: a federation that stages the same
      // version a moment later, or records metrics before the writer got to it, must find the
      // same file names.
      if (owner(version) == null) {
        owners.put(version, lineage.federationId());
      }
      pending.put(key, new Pending(meta, payload));
      payloadCache.put(version, payload);
    }
    CompletableFuture<Void> durable = CompletableFuture.runAsync(
        () -> writeFiles(version, meta, payload, strategyState), writer);
    durable.whenComplete((ok, failed) -> {
      synchronized (this) {
        pending.remove(key); // written (or failed): from now on the files answer
      }
    });
    return new Staged(get(lineage.federationId(), version).orElseThrow(), durable);
  }

  private void writeFiles(String version, ModelVersion meta, byte[] payload,
      byte[] strategyState) {
    String federation = meta.getFederationId();
    Path metaFile;
    Path stateFile;
    synchronized (this) {
      metaFile = record(federation, version, ".json");
      stateFile = record(federation, version, ".strategy");
    }
    if (strategyState != null && strategyState.length > 0) {
      DurableFiles.writeAtomically(stateFile, strategyState);
    }
    if (!Files.exists(dir.resolve(version + ".bin"))) {
      DurableFiles.writeAtomically(dir.resolve(version + ".bin"), payload);
    }
    if (!Files.exists(metaFile)) {
      DurableFiles.writeAtomically(metaFile, toJson(meta));
    }
  }

  /**
   * The file of a federation's record of a version: the plain name if the federation owns the
   * version (or nobody does yet), else the name qualified by the federation.
   */
  private Path record(String federationId, String version, String suffix) {
    String owner = owner(version);
    return owner == null || owner.equals(federationId) ? dir.resolve(version + suffix)
        : dir.resolve(version + "@" + federationId + suffix);
  }

  /**
   * The federation whose records have the plain names: the first to stage the version in this
   * process, else the one in the version's metadata file; null for an unknown version.
   */
  private String owner(String version) {
    String owner = owners.get(version);
    if (owner == null) {
      Path file = dir.resolve(version + ".json");
      if (!Files.exists(file)) {
        return null;
      }
      ModelVersion.Builder b = ModelVersion.newBuilder();
      merge(file, b);
      owner = b.getFederationId();
      owners.put(version, owner);
    }
    return owner;
  }

  private static String key(String federationId, String version) {
    return federationId + "/" + version;
  }

  /** A staged version whose files are being written. */
  private record Pending(ModelVersion meta, byte[] payload) {}

  /** Waits for the versions being written (at shutdown, so none is left half-durable). */
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(60, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records a federation's evaluation of a version (once; later calls keep the first). */
  public synchronized void recordMetrics(String federationId, String version, Metrics metrics) {
    Path file = record(federationId, version, ".metrics.json");
    if (!Files.exists(file)) {
      DurableFiles.writeAtomically(file, toJson(metrics));
    }
  }

  /**
   * A version as the federation that first stored it knows it: enough for what every holder
   * shares (the manifest, the payload's checksum). A federation's own lineage and metrics:
   * {@link #get(String, String)}.
   */
  public synchronized Optional<ModelVersion> get(String version) {
    if (!isWellFormed(version)) {
      return Optional.empty();
    }
    String owner = owner(version);
    return owner == null ? Optional.empty() : get(owner, version);
  }

  /** The federation's record of a version, with its metrics; empty if it holds no such version. */
  public synchronized Optional<ModelVersion> get(String federationId, String version) {
    if (!isWellFormed(version) || !Identity.ID.matcher(federationId).matches()) {
      return Optional.empty();
    }
    Path file = record(federationId, version, ".json");
    Pending staged = pending.get(key(federationId, version));
    ModelVersion.Builder b = ModelVersion.newBuilder();
    if (staged != null && !Files.exists(file)) {
      b.mergeFrom(staged.meta()); // staged, its files not written yet
    } else if (Files.exists(file)) {
      merge(file, b);
      if (!b.getFederationId().equals(federationId)) {
        return Optional.empty();
      }
    } else {
      return Optional.empty();
    }
    Path metrics = record(federationId, version, ".metrics.json");
    if (Files.exists(metrics)) {
      Metrics.Builder m = Metrics.newBuilder();
      merge(metrics, m);
      b.setMetrics(m);
    }
    return Optional.of(b.build());
  }

  /** The float32 payload of a version, the same array for every caller (do not modify). */
  public synchronized byte[] payload(String version) {
    byte[] cached = payloadCache.get(version);
    if (cached != null) {
      return cached;
    }
    if (!isWellFormed(version)) {
      throw new IllegalArgumentException("malformed model version '" + version + "'");
    }
    String owner = owner(version);
    Pending staged = owner == null ? null : pending.get(key(owner, version));
    if (staged != null) {
      return staged.payload();
    }
    try {
      byte[] bytes = Files.readAllBytes(dir.resolve(version + ".bin"));
      String expected = get(version).orElseThrow().getManifest().getSha256();
      if (!Sha256.of(bytes).equals(expected)) {
        throw new IllegalStateException("model version " + version + " is corrupted on disk");
      }
      payloadCache.put(version, bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model version " + version, e);
    }
  }

  public float[] parameters(String version) {
    return PayloadEncoder.decode(payload(version), Encoding.FLOAT32);
  }

  /** The federation's server optimizer state after the round that made the version. */
  public synchronized byte[] strategyState(String federationId, String version) {
    Path file = record(federationId, version, ".strategy");
    try {
      return Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read strategy state of " + version, e);
    }
  }

  private static boolean isWellFormed(String version) {
    return version != null && version.matches("[0-9a-f]{16}");
  }

  private static byte[] toJson(com.google.protobuf.MessageOrBuilder message) {
    try {
      return JsonFormat.printer().print(message).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void merge(Path file, com.google.protobuf.Message.Builder builder) {
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(file), builder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
