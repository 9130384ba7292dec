package io.cohort.coordinator.federation;

import io.cohort.coordinator.aggregation.Strategy;
import io.cohort.coordinator.aggregation.StrategyFactory;
import io.cohort.coordinator.journal.RoundJournal;
import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.coordinator.session.NodeDirectory;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.JournalEntry;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.cohort.proto.v1.StateChanged;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One federation: its spec, its lifecycle state, its nodes and its current global model. The
 * lifecycle is a small state machine; every transition is journaled before it takes effect for
 * anyone else. The round engine reads and advances it.
 */
public final class Federation implements io.cohort.coordinator.round.RoundEngine.RoundHost {

  private static final Logger log = LoggerFactory.getLogger(Federation.class);
  private static final Set<FederationState> TERMINAL =
      EnumSet.of(FederationState.STOPPED, FederationState.COMPLETED, FederationState.FAILED);

  private final FederationSpec spec;
  private final Strategy strategy;
  private final ModelArchitecture architecture;
  private final NodeDirectory nodes = new NodeDirectory();
  private final ModelRegistry registry;
  private final RoundJournal journal;
  // Finished rounds being journaled in the background, in order (guarded by this).
  private CompletableFuture<Void> journaling = CompletableFuture.completedFuture(null);
  private final List<FederationListener> listeners;

  private FederationState state = FederationState.CREATED;
  private String failureReason = "";
  private int completedRounds;
  private int currentRound;
  private String currentVersion;
  private float[] currentParameters;
  private final List<RoundSummary> rounds = new ArrayList<>();
  private final ValidationSet validation;

  /** The operator's validation set, or null. */
  @Override
  public ValidationSet validation() {
    return validation;
  }

  Federation(FederationSpec spec, String initialVersion, ModelRegistry registry,
      RoundJournal journal, List<FederationListener> listeners, ValidationSet validation) {
    this.validation = validation;
    this.spec = spec;
    // Robust strategies keep a round's updates in memory-mapped files under data-dir/staging.
    this.strategy = StrategyFactory.create(spec.getStrategy(), spec.getStrategyParamsMap(),
        registry.directory().resolveSibling("staging").resolve(spec.getFederationId()));
    this.architecture = new ModelArchitecture(spec.getModel());
    this.registry = registry;
    this.journal = journal;
    this.listeners = new CopyOnWriteArrayList<>(listeners);
    this.currentVersion = initialVersion;
  }

  @Override
  public String id() {
    return spec.getFederationId();
  }

  @Override
  public FederationSpec spec() {
    return spec;
  }

  @Override
  public Strategy strategy() {
    return strategy;
  }

  public ModelArchitecture architecture() {
    return architecture;
  }

  @Override
  public ParameterLayout trainableLayout() {
    return architecture.trainableLayout();
  }

  @Override
  public NodeDirectory nodes() {
    return nodes;
  }

  @Override
  public ModelRegistry registry() {
    return registry;
  }

  List<FederationListener> listeners() {
    return listeners;
  }

  public synchronized FederationState state() {
    return state;
  }

  @Override
  public synchronized int completedRounds() {
    return completedRounds;
  }

  @Override
  public synchronized String currentVersion() {
    return currentVersion;
  }

  /** The current global parameters (full layout). Callers must not modify the array. */
  @Override
  public synchronized float[] currentParameters() {
    if (currentParameters == null) {
      currentParameters = registry.parameters(currentVersion);
    }
    return currentParameters;
  }

  public synchronized List<RoundSummary> rounds() {
    return List.copyOf(rounds);
  }

  public synchronized io.cohort.proto.v1.Federation toProto() {
    return io.cohort.proto.v1.Federation.newBuilder().setSpec(spec).setState(state)
        .setCompletedRounds(completedRounds).setCurrentRound(currentRound)
        .setCurrentModelVersion(currentVersion).setFailureReason(failureReason).build();
  }

  // ---- lifecycle (operator actions) -----------------------------------------------------------

  public void start() {
    transition(EnumSet.of(FederationState.CREATED), FederationState.RUNNING, "operator: start");
  }

  public void pause() {
    transition(EnumSet.of(FederationState.RUNNING), FederationState.PAUSED, "operator: pause");
  }

  public void resume() {
    transition(EnumSet.of(FederationState.PAUSED), FederationState.RUNNING, "operator: resume");
  }

  public void stop() {
    transition(EnumSet.of(FederationState.CREATED, FederationState.RUNNING,
        FederationState.PAUSED), FederationState.STOPPED, "operator: stop");
  }

  @Override
  public void fail(String reason) {
    awaitJournaled();
    synchronized (this) {
      Set<FederationState> from = EnumSet.of(FederationState.RUNNING, FederationState.PAUSED);
      if (from.contains(state)) {
        failureReason = reason;
      }
      transitionNow(from, FederationState.FAILED, reason);
    }
  }

  @Override
  public void complete() {
    transition(EnumSet.of(FederationState.RUNNING), FederationState.COMPLETED,
        "all " + spec.getRounds() + " rounds done");
  }

  /** Journals a state change after the rounds still being journaled (so the journal's order holds). */
  private void transition(Set<FederationState> from, FederationState to, String reason) {
    awaitJournaled(); // outside the lock: the background journaling never needs it
    synchronized (this) {
      transitionNow(from, to, reason);
    }
  }

  private void transitionNow(Set<FederationState> from, FederationState to, String reason) {
    if (!from.contains(state)) {
      throw new FederationStateException("federation " + id() + " is " + state + ": cannot "
          + verb(to) + " it (allowed from " + from + ")");
    }
    journal.append(JournalEntry.newBuilder().setAtMs(System.currentTimeMillis())
        .setFederationId(id())
        .setStateChanged(StateChanged.newBuilder().setState(to).setReason(reason)).build());
    state = to;
    log.info("federation={} state={} reason=\"{}\"", id(), to, reason);
    notifyAll();
    if (TERMINAL.contains(to)) {
      nodes.broadcast(io.cohort.proto.v1.ServerMessage.newBuilder().setEnded(
          io.cohort.proto.v1.FederationEnded.newBuilder().setState(to.name()).setReason(reason)
              .setFinalModelVersion(currentVersion)).build());
    }
    for (FederationListener l : listeners) {
      l.stateChanged(id(), to, reason);
    }
  }

  private static String verb(FederationState to) {
    return switch (to) {
      case RUNNING -> "start or resume";
      case PAUSED -> "pause";
      case STOPPED -> "stop";
      case COMPLETED -> "complete";
      case FAILED -> "fail";
      default -> "move";
    };
  }

  /** Blocks until the federation is RUNNING; returns false when it reached a terminal state. */
  @Override
  public boolean awaitRunning() throws InterruptedException {
    boolean journalingFailed;
    synchronized (this) {
      journalingFailed = journaling.isCompletedExceptionally();
    }
    if (journalingFailed) {
      awaitJournaled(); // fails the federation: no more rounds that could never be journaled
    }
    synchronized (this) {
      return awaitRunningLocked();
    }
  }

  private boolean awaitRunningLocked() throws InterruptedException {
    while (state != FederationState.RUNNING) {
      if (TERMINAL.contains(state)) {
        return false;
      }
      wait();
    }
    return true;
  }

  @Override
  public synchronized boolean isTerminal() {
    return TERMINAL.contains(state);
  }

  @Override
  public void roundStarted(int round, int attempt, List<String> selected) {
    synchronized (this) {
      currentRound = round;
    }
    for (FederationListener l : listeners) {
      l.roundStarted(id(), round, attempt, selected);
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return state == FederationState.RUNNING;
  }

  @Override
  public ParameterLayout fullLayout() {
    return architecture.layout();
  }

  /** Journals a finished round and, if it succeeded, makes its version the current model. */
  @Override
  public void roundFinished(RoundSummary summary, float[] newParameters) {
    roundFinished(summary, newParameters, CompletableFuture.completedFuture(null));
    awaitJournaled();
  }

  /**
   * Makes a finished round the federation's state at once and journals it (then tells the
   * listeners) once {@code durable}, the writing of its model version, completes: the round
   * engine starts the next round while the version is written. Rounds are journaled in order,
   * each after its version's files; a crash before that loses the round (it is run again),
   * never a journaled one. If the version or the journal cannot be written, the federation
   * fails.
   */
  @Override
  public void roundFinished(RoundSummary summary, float[] newParameters,
      CompletableFuture<Void> durable) {
    JournalEntry entry = JournalEntry.newBuilder().setAtMs(System.currentTimeMillis())
        .setFederationId(id()).setRoundFinished(summary).build();
    synchronized (this) {
      apply(summary);
      if (summary.getOutcome() == RoundOutcome.SUCCEEDED) {
        currentParameters = newParameters;
      }
      currentRound = 0;
      journaling = journaling.thenCombine(durable, (a, b) -> (Void) null).thenRun(() -> {
        journal.append(entry);
        for (FederationListener l : listeners) {
          l.roundFinished(id(), summary);
        }
      });
    }
  }

  /** Waits for the rounds being journaled in the background; fails the federation if one could not be. */
  private void awaitJournaled() {
    CompletableFuture<Void> pending;
    synchronized (this) {
      pending = journaling;
    }
    try {
      pending.join();
    } catch (CompletionException e) {
      synchronized (this) {
        journaling = CompletableFuture.completedFuture(null);
        if (!TERMINAL.contains(state)) {
          log.error("federation={} a finished round could not be made durable", id(),
              e.getCause());
          failureReason = "round not durable: " + e.getCause();
          transitionNow(EnumSet.of(state), FederationState.FAILED, failureReason);
        }
      }
    }
  }

  // ---- replay ---------------------------------------------------------------------------------

  /** Applies a journaled round (replay or live). */
  synchronized void apply(RoundSummary summary) {
    rounds.add(summary);
    if (summary.getOutcome() == RoundOutcome.SUCCEEDED) {
      completedRounds = summary.getRound();
      currentVersion = summary.getModelVersion();
      currentParameters = null;
    }
  }

  /** Applies a journaled state change (replay only). */
  synchronized void applyState(FederationState to, String reason) {
    state = to;
    if (to == FederationState.FAILED) {
      failureReason = reason;
    }
  }

  /** After replay: restore the server optimizer state saved with the current version. */
  void restoreStrategy() {
    strategy.restoreState(registry.strategyState(id(), currentVersion()));
  }

  /** Number of attempts already made at the round after the last completed one. */
  @Override
  public synchronized int failedAttemptsOfNextRound() {
    int next = completedRounds + 1;
    return (int) rounds.stream().filter(r -> r.getRound() == next
        && r.getOutcome() != RoundOutcome.SUCCEEDED).count();
  }
}
