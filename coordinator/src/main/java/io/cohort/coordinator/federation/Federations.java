package io.cohort.coordinator.federation;

import io.cohort.coordinator.contribution.ValidationSetFile;
import io.cohort.coordinator.journal.RoundJournal;
import io.cohort.coordinator.metrics.CoordinatorMetrics;
import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.coordinator.round.RoundEngine;
import io.cohort.coordinator.round.TaskBoard;
import io.cohort.model.codec.ModelFile;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.FederationCreated;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.JournalEntry;
import io.cohort.proto.v1.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All federations of a coordinator, rebuilt from the journal at start-up. A federation that was
 * RUNNING when the coordinator died resumes from its last completed round.
 */
public final class Federations implements AutoCloseable {

  /** The round journal's file name in the data directory. */
  public static final String JOURNAL_FILE = "journal.log";

  private static final Logger log = LoggerFactory.getLogger(Federations.class);

  private final ModelRegistry registry;
  private final RoundJournal journal;
  private final TaskBoard board = new TaskBoard();
  private final List<FederationListener> listeners;
  private final CoordinatorMetrics metrics;
  private final Map<String, Federation> federations = new ConcurrentHashMap<>();
  private final Map<String, RoundEngine> engines = new ConcurrentHashMap<>();
  private final Map<String, Thread> threads = new ConcurrentHashMap<>();
  private final Path dataDir;

  public Federations(Path dataDir, List<FederationListener> listeners) {
    this(dataDir, listeners, CoordinatorMetrics.disabled());
  }

  /** As above, with round engines that report to {@code metrics}. */
  public Federations(Path dataDir, List<FederationListener> listeners,
      CoordinatorMetrics metrics) {
    this.metrics = metrics;
    this.registry = new ModelRegistry(dataDir.resolve("models"));
    this.journal = new RoundJournal(dataDir.resolve(JOURNAL_FILE));
    this.listeners = List.copyOf(listeners);
    this.dataDir = dataDir;
    replay();
  }

  private void replay() {
    for (JournalEntry e : journal.replayed()) {
      switch (e.getKindCase()) {
        case CREATED -> federations.put(e.getFederationId(), new Federation(
            e.getCreated().getSpec(), e.getCreated().getInitialModelVersion(), registry, journal,
            listeners, ValidationSetFile.read(validationFile(e.getFederationId())).orElse(null)));
        case STATE_CHANGED -> federation(e.getFederationId())
            .applyState(e.getStateChanged().getState(), e.getStateChanged().getReason());
        case ROUND_FINISHED -> federation(e.getFederationId()).apply(e.getRoundFinished());
        default -> throw new IllegalStateException("unknown journal entry " + e);
      }
    }
    for (Federation f : federations.values()) {
      f.restoreStrategy();
      startEngine(f);
      log.info("federation={} restored state={} completed_rounds={} version={}", f.id(),
          f.state(), f.completedRounds(), f.currentVersion());
    }
  }

  private Federation federation(String id) {
    Federation f = federations.get(id);
    if (f == null) {
      throw new IllegalStateException("journal mentions unknown federation " + id);
    }
    return f;
  }

  /**
   * Creates a federation in state CREATED with its initial model version.
   *
   * @throws IllegalArgumentException for an invalid spec (nothing is created)
   * @throws IllegalStateException if the id is taken
   */
  public synchronized Federation create(FederationSpec requested) {
    return create(requested, null);
  }

  /**
   * Creates a federation with the operator's validation set (for contribution scoring and the
   * quality of each version); {@code validation} may be null.
   */
  public synchronized Federation create(FederationSpec requested, ValidationSet validation) {
    FederationSpec spec = FederationSpecs.withDefaults(requested);
    FederationSpecs.validate(spec, validation);
    if (federations.containsKey(spec.getFederationId())) {
      throw new DuplicateFederationException("federation '" + spec.getFederationId()
          + "' already exists");
    }
    ModelArchitecture arch = new ModelArchitecture(spec.getModel());
    float[] initial;
    if (!spec.getInitialModelPath().isEmpty()) {
      initial = ModelFile.read(Path.of(spec.getInitialModelPath()), arch.layout());
    } else {
      initial = arch.initialize(spec.getSeed());
    }
    String version = registry.publish(initial, new ModelRegistry.Lineage(spec.getFederationId(),
        0, List.of(), List.of(), spec.getStrategy(), spec.getStrategyParamsMap(), spec.getModel(),
        TrainConfig.getDefaultInstance()), new byte[0]).getVersion();
    if (validation != null) {
      ValidationSetFile.write(validationFile(spec.getFederationId()), validation);
    }
    journal.append(JournalEntry.newBuilder().setAtMs(System.currentTimeMillis())
        .setFederationId(spec.getFederationId())
        .setCreated(FederationCreated.newBuilder().setSpec(spec)
            .setInitialModelVersion(version)).build());
    Federation f = new Federation(spec, version, registry, journal, listeners, validation);
    federations.put(f.id(), f);
    startEngine(f);
    log.info("federation={} created strategy={} rounds={} initial_version={}", f.id(),
        spec.getStrategy(), spec.getRounds(), version);
    return f;
  }

  private Path validationFile(String federationId) {
    return dataDir.resolve("validation").resolve(federationId + ".bin");
  }

  private void startEngine(Federation f) {
    if (f.isTerminal()) {
      return;
    }
    RoundEngine engine = new RoundEngine(f, board, metrics);
    engines.put(f.id(), engine);
    Thread t = new Thread(engine, "round-engine-" + f.id());
    t.setDaemon(true);
    threads.put(f.id(), t);
    t.start();
  }

  public Optional<Federation> get(String id) {
    return Optional.ofNullable(id == null ? null : federations.get(id));
  }

  public List<Federation> list() {
    return new ArrayList<>(federations.values());
  }

  public Optional<RoundEngine> engine(String id) {
    return Optional.ofNullable(engines.get(id));
  }

  public TaskBoard tasks() {
    return board;
  }

  public ModelRegistry registry() {
    return registry;
  }

  /** Stops a federation: cancels its open tasks and ends its engine. */
  public void stop(Federation f) {
    f.stop();
    engine(f.id()).ifPresent(RoundEngine::closeCurrentPhase);
  }

  /** Waits until a federation reaches a terminal state (for the demo and tests). */
  public boolean awaitTerminal(String id, long timeoutMs) throws InterruptedException {
    Thread t = threads.get(id);
    if (t != null) {
      t.join(timeoutMs);
    }
    return get(id).map(Federation::isTerminal).orElse(false);
  }

  @Override
  public void close() {
    for (Map.Entry<String, Thread> e : threads.entrySet()) {
      e.getValue().interrupt();
      engines.get(e.getKey()).closeCurrentPhase();
    }
    for (Thread t : threads.values()) {
      try {
        t.join(5_000);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
    registry.close(); // versions being written, and the rounds journaled after them
    journal.close();
  }

  /** True if any federation is in the given state. */
  public boolean anyIn(FederationState state) {
    return federations.values().stream().anyMatch(f -> f.state() == state);
  }
}
