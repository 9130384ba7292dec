package io.cohort.deploy;

import static org.awaitility.Awaitility.await;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.coordinator.security.TlsSettings;
import io.cohort.edge.session.ClientListener;
import io.cohort.edge.session.EdgeClient;
import io.cohort.edge.task.ConstantUpdateWork;
import io.cohort.edge.task.LocalWork;
import io.cohort.edge.task.TrainOutcome;
import io.cohort.edge.training.ProgressListener;
import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.ProvisionDirectory;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A small live federation for operator tests: a real coordinator on 127.0.0.1 (gRPC and HTTP on
 * free ports) and in-process edge clients whose local work is simulated: a constant update
 * after a short compute time, evaluation metrics that improve round by round, and a growing
 * epsilon for nodes that declare differential privacy.
 */
public final class SimulatedFederation implements AutoCloseable {

  public static final ModelSpec MODEL = ModelSpec.newBuilder().setArchitecture("logistic")
      .setInputFeatures(3).setNumClasses(2).build();
  static final int ELEMENTS = new ModelArchitecture(MODEL).trainableLayout().totalElements();

  /** One simulated site. */
  public record Site(String id, long samples, long computeMillis, double epsilonBudget) {}

  /** The operator certificate of a federation simulated over mutual TLS. */
  public static final String OPERATOR = "ops";

  private final Path dir;
  private final String federationId;
  private final ProvisionDirectory pki;
  private CoordinatorServer server;
  private Federation federation;
  private final List<EdgeClient> clients = new ArrayList<>();

  public SimulatedFederation(Path dir, String federationId, int rounds, List<Site> sites) {
    this(dir, federationId, rounds, sites, null);
  }

  /**
   * As above; with {@code pki} the coordinator, each site and operator {@value #OPERATOR} get
   * certificates there and every connection is mutual TLS.
   */
  public SimulatedFederation(Path dir, String federationId, int rounds, List<Site> sites,
      ProvisionDirectory pki) {
    this.dir = dir;
    this.federationId = federationId;
    this.pki = pki;
    if (pki != null) {
      pki.provision(List.of("127.0.0.1"), sites.stream().map(Site::id).toList(),
          List.of(OPERATOR), 30);
    }
    server = new CoordinatorServer(config(0, 0), List.of()).start();
    federation = server.federations().create(FederationSpec.newBuilder()
        .setFederationId(federationId).setModel(MODEL).setSchemaFingerprint("simulated")
        .setRounds(rounds).setMinNodes(sites.size()).setQuorum(sites.size())
        .setRoundTimeoutMs(15_000).setEvalTimeoutMs(15_000).setSelectionTimeoutMs(30_000)
        .setStrategy("fedavg").setSeed(11).build());
    for (Site s : sites) {
      EdgeClient c = new EdgeClient(new EdgeClient.Config(server.target(), federationId, s.id(),
          100, 1_000, pki == null ? null : Credentials.read(pki.bundle(s.id()))),
          DatasetSummary.newBuilder().setTrainExamples(s.samples())
          .setEvalExamples(s.samples() / 4).setSchemaFingerprint("simulated").setInputFeatures(3)
          .build(), Capabilities.newBuilder().setDevice("cpu")
          .setDifferentialPrivacy(s.epsilonBudget() > 0).setEpsilonBudget(s.epsilonBudget())
          .setDelta(s.epsilonBudget() > 0 ? 1e-5 : 0).build(), new SimulatedWork(s),
          new ClientListener() {});
      clients.add(c.start());
    }
    await().atMost(Duration.ofSeconds(20))
        .until(() -> federation.nodes().connected().size() == sites.size());
  }

  private CoordinatorServer.Config config(int port, int httpPort) {
    var c = new CoordinatorServer.Config("127.0.0.1", port, dir, 500, 4, httpPort);
    return pki == null ? c : c.withTls(TlsSettings.fromBundle(pki.bundle("coordinator")));
  }

  /** The provisioning directory of a federation over mutual TLS. */
  public ProvisionDirectory pki() {
    return pki;
  }

  public CoordinatorServer server() {
    return server;
  }

  public Federation federation() {
    return federation;
  }

  public String target() {
    return server.target();
  }

  /** Stops the coordinator (nodes keep trying to reconnect); returns its gRPC and HTTP ports. */
  public int[] stopCoordinator() {
    int[] ports = {server.port(), server.httpPort().orElseThrow()};
    server.close();
    return ports;
  }

  /** Starts the coordinator again on the same ports and data directory. */
  public void restartCoordinator(int[] ports) {
    server = new CoordinatorServer(config(ports[0], ports[1]), List.of()).start();
    federation = server.federations().get(federationId).orElseThrow();
  }

  @Override
  public void close() {
    clients.forEach(EdgeClient::close);
    server.close();
  }

  /** Constant updates, improving metrics, growing epsilon. */
  private static final class SimulatedWork implements LocalWork {
    private final Site site;
    private final ConstantUpdateWork constant;

    SimulatedWork(Site site) {
      this.site = site;
      this.constant = new ConstantUpdateWork(ELEMENTS, 0.01f, site.samples(),
          site.computeMillis());
    }

    @Override
    public TrainOutcome train(ModelSpec model, Task task, float[] global,
        ProgressListener progress, BooleanSupplier cancelled) {
      TrainOutcome t = constant.train(model, task, global, progress, cancelled);
      double loss = 0.7 / Math.sqrt(task.getRound()) + 0.02 * (site.samples() % 7);
      double epsilon = site.epsilonBudget() > 0 ? 0.15 * task.getRound() : 0;
      return new TrainOutcome(t.delta(), t.samples(), Metrics.newBuilder().setLoss(loss)
          .setExamples(t.samples()).build(), epsilon);
    }

    @Override
    public EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters) {
      long n = site.samples() / 4;
      int round = Math.max(1, task.getRound());
      double loss = 0.25 + 0.45 / Math.sqrt(round) + 0.015 * (site.samples() % 5);
      double accuracy = Math.min(0.95, 0.62 + 0.25 * (1 - 1.0 / round) - 0.01 * (site.samples()
          % 4));
      long correct = Math.round(accuracy * n);
      return EvaluationResult.newBuilder().setMetrics(Metrics.newBuilder().setExamples(n)
          .setLoss(loss).setAccuracy((double) correct / n)).setLossSum(loss * n)
          .setCorrect(correct).build();
    }
  }
}
