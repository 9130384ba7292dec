package io.cohort.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.RoundOutcome;
import io.cohort.proto.v1.RoundSummary;
import io.cohort.proto.v1.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished round moves the federation on at once but reaches the journal (and the listeners,
 * billing among them) only after its model version's files are durable, in order; a version
 * that cannot be written fails the federation instead of leaving a journal that names it.
 */
class DurableRoundsTest {

  static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(4).setNumClasses(2).build();

  @TempDir Path dir;
  Federations federations;
  final List<Integer> announced = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    federations = new Federations(dir, List.of(new FederationListener() {
      @Override
      public void roundFinished(String federationId, RoundSummary summary) {
        announced.add(summary.getRound());
      }
    }));
  }

  @AfterEach
  void tearDown() {
    federations.close();
  }

  Federation create() {
    return federations.create(FederationSpec.newBuilder().setFederationId("f").setModel(MODEL)
        .setSchemaFingerprint("s").setRounds(5).setMinNodes(2).setQuorum(2)
        .setSelectionTimeoutMs(600_000).setStrategy("fedavg").build());
  }

  static RoundSummary succeeded(int round, String version) {
    return RoundSummary.newBuilder().setRound(round).setAttempt(1).setModelVersion(version)
        .setOutcome(RoundOutcome.SUCCEEDED).build();
  }

  long journaledRounds() throws IOException {
    return Files.readAllLines(dir.resolve("journal.log")).stream()
        .filter(l -> l.contains("\"roundFinished\"")).count();
  }

  @Test
  void roundIsJournaledAndAnnouncedOnlyOnceItsVersionIsDurable() throws Exception {
    Federation f = create();
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();

    f.roundFinished(succeeded(1, "00000000000000aa"), new float[10], first);
    f.roundFinished(succeeded(2, "00000000000000bb"), new float[10], second);

    assertThat(f.completedRounds()).isEqualTo(2); // the engine goes on at once
    assertThat(f.currentVersion()).isEqualTo("00000000000000bb");
    assertThat(journaledRounds()).isZero();
    assertThat(announced).isEmpty();

    second.complete(null); // round 2's files first: still nothing, round 1 comes first
    assertThat(journaledRounds()).isZero();
    first.complete(null);
    assertThat(journaledRounds()).isEqualTo(2);
    assertThat(announced).containsExactly(1, 2);
  }

  @Test
  void versionThatCannotBeWrittenFailsTheFederationAndIsNeverJournaled() throws Exception {
    Federation f = create();
    f.start();
    CompletableFuture<Void> durable = new CompletableFuture<>();
    f.roundFinished(succeeded(1, "00000000000000aa"), new float[10], durable);
    durable.completeExceptionally(new UncheckedIOException(new IOException("disk full")));

    assertThat(f.awaitRunning()).as("the round engine's next round").isFalse();
    assertThatThrownBy(f::complete).isInstanceOf(FederationStateException.class);
    assertThat(f.state()).isEqualTo(FederationState.FAILED);
    assertThat(f.toProto().getFailureReason()).contains("round not durable").contains("disk full");
    assertThat(journaledRounds()).isZero();
    assertThat(announced).isEmpty();
  }

  @Test
  void stagedVersionIsServedAtOnceAndWrittenInTheBackground() throws Exception {
    ModelRegistry registry = new ModelRegistry(dir.resolve("models"));
    float[] params = new float[10];
    params[3] = 1.5f;
    ModelRegistry.Staged staged = registry.stage(params, new ModelRegistry.Lineage("f", 1,
        List.of(), List.of("a"), "fedavg", Map.of(), MODEL, TrainConfig.getDefaultInstance()),
        null);
    String version = staged.version().getVersion();
    assertThat(registry.get(version)).isPresent();
    assertThat(registry.parameters(version)).containsExactly(params);

    staged.durable().join();
    registry.close();
    assertThat(dir.resolve("models").resolve(version + ".bin")).exists();
    ModelRegistry reopened = new ModelRegistry(dir.resolve("models"));
    assertThat(reopened.get(version).orElseThrow().getParticipantsList()).containsExactly("a");
    assertThat(reopened.parameters(version)).containsExactly(params);
  }
}
