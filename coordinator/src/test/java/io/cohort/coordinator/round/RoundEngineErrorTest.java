package io.cohort.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.coordinator.aggregation.FedAvg;
import io.cohort.coordinator.aggregation.Strategy;
import io.cohort.coordinator.aggregation.UpdateAccumulator;
import io.cohort.coordinator.registry.ModelRegistry;
import io.cohort.coordinator.session.NodeDirectory;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.RoundSummary;
import io.cohort.proto.v1.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The round engine turns an Error in a round (an OutOfMemoryError above all) into a failure. */
class RoundEngineErrorTest {

  /** A strategy that runs out of memory when asked to configure a round. */
  static final class OutOfMemoryStrategy implements Strategy {
    private final FedAvg delegate = new FedAvg();

    @Override
    public String name() {
      return "out-of-memory";
    }

    @Override
    public TrainConfig configureRound(int round, TrainConfig base) {
      throw new OutOfMemoryError("Java heap space");
    }

    @Override
    public UpdateAccumulator newAccumulator(int elements) {
      return delegate.newAccumulator(elements);
    }

    @Override
    public float[] finishRound(float[] current, UpdateAccumulator accumulator) {
      return delegate.finishRound(current, accumulator);
    }

    @Override
    public byte[] saveState() {
      return new byte[0];
    }

    @Override
    public void restoreState(byte[] state) {}
  }

  /** A federation that is RUNNING until failed or completed, recording what the engine did. */
  static final class RecordingHost implements RoundEngine.RoundHost {
    final ModelArchitecture architecture = new ModelArchitecture(ModelSpec.newBuilder()
        .setArchitecture("logistic").setInputFeatures(2).setNumClasses(2).build());
    final NodeDirectory nodes = new NodeDirectory();
    final List<String> failures = new ArrayList<>();
    final List<RoundSummary> finished = new ArrayList<>();
    volatile boolean running = true;

    @Override
    public String id() {
      return "fed";
    }

    @Override
    public FederationSpec spec() {
      return FederationSpec.newBuilder().setFederationId("fed").setRounds(3).setMinNodes(0)
          .setQuorum(0).setRoundTimeoutMs(1_000).setSkipEvaluation(true).build();
    }

    @Override
    public Strategy strategy() {
      return new OutOfMemoryStrategy();
    }

    @Override
    public ParameterLayout fullLayout() {
      return architecture.layout();
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
      throw new AssertionError("a failed round publishes nothing");
    }

    @Override
    public String currentVersion() {
      return "v0";
    }

    @Override
    public float[] currentParameters() {
      return architecture.initialize(1);
    }

    @Override
    public int completedRounds() {
      return 0;
    }

    @Override
    public int failedAttemptsOfNextRound() {
      return 0;
    }

    @Override
    public ValidationSet validation() {
      return null;
    }

    @Override
    public List<RoundSummary> rounds() {
      return finished;
    }

    @Override
    public boolean awaitRunning() {
      return running;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public boolean isTerminal() {
      return !running;
    }

    @Override
    public void roundStarted(int round, int attempt, List<String> selected) {}

    @Override
    public void roundFinished(RoundSummary summary, float[] newParameters) {
      finished.add(summary);
    }

    @Override
    public void complete() {
      running = false;
    }

    @Override
    public void fail(String reason) {
      failures.add(reason);
      running = false;
    }
  }

  @Test
  void outOfMemoryErrorInARoundFailsTheFederationWithTheCause() {
    RecordingHost federation = new RecordingHost();

    new RoundEngine(federation, new TaskBoard()).run();

    assertThat(federation.isRunning()).as("federation left RUNNING").isFalse();
    assertThat(federation.failures).singleElement().asString()
        .contains("round engine error").contains("OutOfMemoryError").contains("Java heap space");
    assertThat(federation.finished).as("no round journaled as finished").isEmpty();
  }
}
