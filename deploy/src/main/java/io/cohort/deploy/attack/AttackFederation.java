package io.cohort.deploy.attack;

import ai.djl.ndarray.NDManager;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.edge.data.HeartDisease;
import io.cohort.edge.data.LocalDataset;
import io.cohort.edge.session.ClientListener;
import io.cohort.edge.session.EdgeClient;
import io.cohort.edge.task.AttackingWork;
import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.edge.training.DjlLocalWork;
import io.cohort.edge.training.Evaluator;
import io.cohort.edge.training.GradientTransform;
import io.cohort.edge.training.ProgressListener;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Node;
import io.cohort.proto.v1.Task;
import io.cohort.proto.v1.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The heart federation under attack, in one process: a real coordinator on 127.0.0.1, the four
 * hospitals as edge clients training with DJL over gRPC, and {@code attackers} more clients that
 * train honestly on a hospital's data and then poison their update ({@link AttackingWork}). The
 * final model is scored on the union of the hospitals' held-out splits.
 *
 * <p>DJL allows one gradient collector per JVM, so local training is serialized across the
 * in-process clients; rounds are slower than with one process per node, the results the same.
 */
public final class AttackFederation {

  /** Where the attackers' honest data comes from, in turn. */
  static final List<String> ATTACKER_DATA = List.of("cleveland", "hungarian");

  /**
   * One run.
   *
   * @param strategy strategy name; {@code params} its parameters (e.g. {@code f}, {@code beta},
   *     {@code norm_filter_bound})
   * @param attack the attack, or null for none ({@code attackers} is then ignored)
   */
  public record Setup(String strategy, Map<String, Double> params, AttackingWork.Attack attack,
      double factor, int attackers, int rounds) {}

  /**
   * What came out.
   *
   * @param accuracy of the final model on the union of the hospitals' held-out splits
   * @param suspects nodes marked suspect by the coordinator
   * @param flaggedHonest flagged updates of honest hospitals, over all rounds
   * @param flaggedAttackers flagged updates of attackers, over all rounds
   */
  public record Result(Setup setup, double accuracy, List<String> suspects, int flaggedHonest,
      int flaggedAttackers) {}

  private static final Object TRAINING = new Object();

  private AttackFederation() {}

  public static Result run(Setup setup, Path dir, DjlRuntime runtime) throws Exception {
    LocalDataset any = HeartDisease.load(HeartDisease.SITES.get(0));
    ModelSpec model = ModelSpec.newBuilder().setArchitecture("logistic")
        .setInputFeatures(any.schema().inputFeatures()).setNumClasses(2).build();
    int attackers = setup.attack() == null ? 0 : setup.attackers();
    int nodes = HeartDisease.SITES.size() + attackers;
    List<AutoCloseable> open = new ArrayList<>();
    try (CoordinatorServer server = new CoordinatorServer(new CoordinatorServer.Config(
        "127.0.0.1", 0, dir, 500, 2), List.of()).start()) {
      Federation federation = server.federations().create(FederationSpec.newBuilder()
          .setFederationId("heart").setModel(model).setSchemaFingerprint(any.schemaFingerprint())
          .setStrategy(setup.strategy()).putAllStrategyParams(setup.params())
          .setRounds(setup.rounds()).setFractionFit(1).setMinNodes(nodes).setQuorum(nodes)
          .setRoundTimeoutMs(120_000).setEvalTimeoutMs(30_000).setSelectionTimeoutMs(120_000)
          .setSkipEvaluation(true).setSeed(42)
          .setTrain(TrainConfig.newBuilder().setLocalEpochs(1).setBatchSize(16)
              .setOptimizer("sgd").setLearningRate(0.05)).build());
      List<EdgeClient> clients = new ArrayList<>();
      for (String site : HeartDisease.SITES) {
        clients.add(client(server, site, HeartDisease.load(site), runtime, null, setup, open));
      }
      for (int a = 0; a < attackers; a++) {
        String site = ATTACKER_DATA.get(a % ATTACKER_DATA.size());
        clients.add(client(server, "attacker-" + (a + 1), HeartDisease.load(site), runtime,
            setup.attack(), setup, open));
      }
      for (EdgeClient c : clients) {
        open.add(c);
        c.start();
      }
      federation.start();
      if (!server.federations().awaitTerminal("heart", 30L * 60_000)) {
        throw new IllegalStateException("the federation did not finish in 30 minutes");
      }
      if (federation.state() != FederationState.COMPLETED) {
        throw new IllegalStateException("the federation ended " + federation.state() + ": "
            + federation.toProto().getFailureReason());
      }
      return result(setup, federation, model, runtime);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close(); // clients before their work
      }
    }
  }

  private static EdgeClient client(CoordinatorServer server, String id, LocalDataset data,
      DjlRuntime runtime, AttackingWork.Attack attack, Setup setup, List<AutoCloseable> open) {
    DjlLocalWork djl = new DjlLocalWork(runtime, data.train(), data.eval(), id,
        GradientTransform.identity());
    open.add(djl);
    LocalWork work = new OneAtATime(djl);
    if (attack != null) {
      work = new AttackingWork(work, attack, setup.factor());
    }
    return new EdgeClient(new EdgeClient.Config(server.target(), "heart", id, 100, 2_000),
        DatasetSummary.newBuilder().setTrainExamples(data.train().rows())
            .setEvalExamples(data.eval().rows()).setSchemaFingerprint(data.schemaFingerprint())
            .setInputFeatures(data.schema().inputFeatures()).build(),
        Capabilities.newBuilder().setDevice("cpu").build(), work, new ClientListener() {});
  }

  private static Result result(Setup setup, Federation federation, ModelSpec model,
      DjlRuntime runtime) {
    double accuracy;
    try (NDManager manager = runtime.newManager()) {
      accuracy = new Evaluator(new ModelArchitecture(model), manager)
          .evaluate(federation.currentParameters(), HeartDisease.pooledHeldOut()).getMetrics()
          .getAccuracy();
    }
    List<String> suspects = new ArrayList<>();
    int honest = 0;
    int attackers = 0;
    for (Node n : federation.nodes().snapshot()) {
      if (n.getSuspect()) {
        suspects.add(n.getNodeId());
      }
      if (n.getNodeId().startsWith("attacker-")) {
        attackers += n.getFlaggedUpdates();
      } else {
        honest += n.getFlaggedUpdates();
      }
    }
    return new Result(setup, accuracy, suspects, honest, attackers);
  }

  /** Serializes local training across the in-process clients (one gradient collector per JVM). */
  private record OneAtATime(LocalWork work) implements LocalWork {
    @Override
    public TrainOutcome train(ModelSpec model, Task task, float[] global,
        ProgressListener progress, BooleanSupplier cancelled) {
      synchronized (TRAINING) {
        return work.train(model, task, global, progress, cancelled);
      }
    }

    @Override
    public EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters) {
      synchronized (TRAINING) {
        return work.evaluate(model, task, parameters);
      }
    }
  }
}
