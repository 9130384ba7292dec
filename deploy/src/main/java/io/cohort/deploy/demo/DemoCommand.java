package io.cohort.deploy.demo;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.coordinator.federation.FederationSpecs;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.deploy.UserError;
import io.cohort.deploy.spec.FederationFile;
import io.cohort.deploy.spec.SchemaBinding;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.RoundSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cohort demo}: a whole federation on this machine. The coordinator runs in this process;
 * every hospital is an edge-client child process holding only its own rows.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs a local federation: a coordinator plus one edge-client process per node.",
        "Default: the UCI heart-disease federation of four hospitals (Cleveland, Hungary,",
        "Switzerland, VA Long Beach), logistic regression, FedAvg, 20 rounds.",
        "Prints each round and a summary; --report writes the JSON report."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--spec", description = "Federation spec YAML, format in docs/spec.md"
      + " (default: the built-in heart federation, deploy/src/main/resources/heart-demo.yaml).")
  Path spec;

  @Option(names = "--rounds", description = "Number of rounds (overrides the spec; the"
      + " built-in heart spec has 20, a spec without rounds 10).")
  Integer rounds;

  @Option(names = "--strategy", description = "Aggregation strategy: fedavg, fedavgm, fedprox,"
      + " fedadam, fedyogi, fedadagrad, median, trimmed_mean, krum, multikrum (overrides the"
      + " spec; default fedavg).")
  String strategy;

  @Option(names = "--seed", description = "Seed of the initial model and node selection"
      + " (overrides the spec; the built-in heart spec uses 42).")
  Long seed;

  @Option(names = "--report", description = "Write the JSON report to this file (its fields:"
      + " docs/report.md).")
  Path report;

  @Option(names = "--exit-when-done", description = "Exit when the federation ends, with 0 if it"
      + " COMPLETED and 1 otherwise (without it: keep serving until Ctrl-C). Bad input exits 2.")
  boolean exitWhenDone;

  @Option(names = "--port", defaultValue = "0",
      description = "Coordinator port on 127.0.0.1; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--http-port", defaultValue = "0",
      description = "Dashboard, JSON API and /metrics port on 127.0.0.1; 0 picks a free one"
          + " (default ${DEFAULT-VALUE}); the URL is printed at start.")
  int httpPort;

  @Option(names = "--work-dir", description = "Folder for the coordinator's data, the nodes'"
      + " files and logs (default: .cache/demo/<timestamp> under the project).")
  Path workDir;

  @Option(names = "--dp", defaultValue = "off", paramLabel = "on|off",
      description = "Train with DP-SGD at every node (default ${DEFAULT-VALUE}).")
  String dp;

  @Option(names = "--epsilon", defaultValue = "3",
      description = "With --dp on: each owner's record-level budget epsilon; every node solves"
          + " its noise multiplier to reach it after the planned rounds (default"
          + " ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(names = "--consumer-requests", defaultValue = "200",
      description = "Requests each demo consumer (one pay-per-use, one subscription) sends"
          + " after training; 0 = none (default ${DEFAULT-VALUE}).")
  int consumerRequests;

  @Option(names = "--no-market",
      description = "Skip the data market (by default a Kafka broker and the billing service"
          + " run, and the coordinator publishes contribution and model-version events).")
  boolean noMarket;

  @Option(names = "--insecure", description = "Run the demo over plaintext gRPC (by default it"
      + " provisions its own CA into the work dir and every connection is mutual TLS).")
  boolean insecure;

  @Option(names = "--node-timeout-s", defaultValue = "180",
      description = "How long to wait for every node to connect (default ${DEFAULT-VALUE} s).")
  int nodeTimeoutS;

  @Override
  public Integer call() throws Exception {
    FederationFile file = spec != null ? FederationFile.load(spec)
        : FederationFile.loadResource("/heart-demo.yaml");
    file = file.withSpec(overrides(file.spec()));
    if (file.nodes().isEmpty()) {
      throw new UserError("spec has no nodes: a demo needs at least one 'nodes' entry");
    }
    boolean dpOn = switch (dp) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new UserError("--dp: use on or off, got '" + dp + "'");
    };
    if (dpOn && !(epsilon > 0 && Double.isFinite(epsilon))) {
      throw new UserError("--epsilon must be a positive number, got " + epsilon);
    }
    // Everything a demo can refuse is refused here, before any process or port is started.
    SchemaBinding.Bound bound = SchemaBinding.bind(file);
    FederationSpec fspec = FederationSpecs.withDefaults(bound.spec());
    FederationSpecs.validate(fspec, bound.validation());
    if (file.nodes().size() < fspec.getMinNodes()) {
      throw new UserError("the spec asks for min_nodes " + fspec.getMinNodes() + " but lists "
          + file.nodes().size() + " node(s): add nodes or lower min_nodes");
    }
    SchemaBinding.checkNodeData(file);
    Path dir = workDir != null ? workDir : defaultWorkDir();
    Files.createDirectories(dir.resolve("logs"));

    DemoConsole console = new DemoConsole(System.out, fspec.getRounds());
    List<FederationListener> listeners = new ArrayList<>();
    listeners.add(console);
    CountDownLatch ended = new CountDownLatch(1);
    DemoMarket marketplace = noMarket ? null : DemoMarket.start(dir, System.out);
    CoordinatorServer.Config config = new CoordinatorServer.Config("127.0.0.1", port,
        dir.resolve("coordinator"), 2_000, 4, httpPort);
    DemoSecurity security = null;
    if (insecure) {
      System.err.println("cohort: WARNING: --insecure: the demo runs over plaintext gRPC");
    } else {
      security = DemoSecurity.provision(dir, file.nodes().stream().map(n -> n.id()).toList());
      config = config.withTls(security.coordinatorTls());
    }
    if (marketplace != null) {
      config = config.withKafka(marketplace.bootstrapServers())
          .withBillingUrl(marketplace.billingUrl());
    }
    try (AutoCloseable marketClose = marketplace != null ? marketplace : () -> { };
        CoordinatorServer server = new CoordinatorServer(config, listeners).start();
        NodeProcesses nodes = new NodeProcesses(dir)) {
      Runtime.getRuntime().addShutdownHook(new Thread(nodes::close));
      io.cohort.deploy.spec.ConsumerSchema.save(file, fspec.getFederationId(),
          dir.resolve("coordinator"));
      Federation federation = server.federations().create(fspec, bound.validation());
      console.header(fspec, server.target(), dir, file.nodes().size());
      if (security != null && server.dashboardUrl().isPresent()) {
        // with identities, dashboard actions need a session: print the demo operator's
        System.out.println("dashboard: " + DemoSecurity.dashboardLogin(security, server.target(),
            server.dashboardUrl().get()) + " (signed in as operator:" + DemoSecurity.OPERATOR
            + "; keep the link private)");
      } else {
        server.dashboardUrl().ifPresent(url -> System.out.println("dashboard: " + url));
      }
      if (security != null) {
        System.out.println("security: mutual TLS, CA sha256 " + security.caFingerprint()
            + "; operator CLI: --credentials " + security.bundle(DemoSecurity.OPERATOR));
      }
      Path schema = SchemaBinding.materializeSchema(file, dir);
      for (FederationFile.NodeEntry node : file.nodes()) {
        List<String> args = new ArrayList<>(List.of("client", "--coordinator", server.target(),
            "--federation", fspec.getFederationId(), "--node", node.id(),
            "--data", SchemaBinding.materializeNodeCsv(file, node, dir).toString(),
            "--schema", schema.toString()));
        if (security != null) {
          args.addAll(List.of("--credentials", security.bundle(node.id()).toString()));
        } else {
          args.add("--insecure");
        }
        if (dpOn) {
          args.addAll(List.of("--dp", "on", "--target-epsilon", Double.toString(epsilon),
              "--planned-rounds", Integer.toString(fspec.getRounds()),
              "--node-dir", dir.resolve("nodes").resolve(node.id()).toString()));
        }
        nodes.start(node.id(), args);
      }
      console.waitingForNodes();
      long deadline = System.currentTimeMillis() + Duration.ofSeconds(nodeTimeoutS).toMillis();
      while (!federation.nodes().awaitAvailable(file.nodes().size(),
          Math.min(deadline, System.currentTimeMillis() + 1_000))) {
        nodes.checkAlive();
        if (System.currentTimeMillis() > deadline) {
          throw new UserError("only " + federation.nodes().connected().size() + " of "
              + file.nodes().size() + " nodes connected within " + nodeTimeoutS
              + " s; see the logs in " + dir.resolve("logs"));
        }
      }
      console.nodesConnected(federation.nodes().snapshot());
      federation.start();
      server.federations().awaitTerminal(federation.id(), Long.MAX_VALUE);
      List<RoundSummary> rounds = federation.rounds();
      console.summary(federation, rounds);
      DemoConsumers consumers = null;
      // Billing pays owners by measured contribution: versions without scores cannot be billed.
      boolean billable = marketplace == null || !fspec.getContributionScorer().isEmpty();
      if (!billable && consumerRequests > 0) {
        System.out.println("no consumers: the spec sets no contribution_scorer, so its model"
            + " versions carry no owner shares that billing could charge against");
      }
      if (federation.state() == FederationState.COMPLETED && consumerRequests > 0 && billable) {
        consumers = new DemoConsumers().run(
            DemoSecurity.operatorChannel(security, server.target()),
            DemoSecurity.consumerChannel(security, server.target()), consumerRequests, System.out);
        if (marketplace != null && !consumers.awaitBilled(marketplace.bootstrapServers(),
            Duration.ofSeconds(60))) {
          System.out.println("billing has not booked all usage within 60 s; the billing"
              + " section may be incomplete");
        }
      }
      var billingSection = marketplace != null ? marketplace.summary(System.out) : null;
      if (report != null) {
        var json = DemoReport.build(federation, rounds, federation.nodes().snapshot());
        if (consumers != null) {
          json.set("usage", consumers.report());
        }
        if (billingSection != null) {
          json.set("billing", billingSection);
        }
        json.set("security", security != null ? security.section(server.audit())
            : DemoSecurity.insecureSection());
        DemoReport.write(report, json);
        System.out.println("report written to " + report.toAbsolutePath());
      }
      if (!exitWhenDone) {
        System.out.println("coordinator still serving on " + server.target()
            + " (Ctrl-C to exit)");
        Runtime.getRuntime().addShutdownHook(new Thread(ended::countDown));
        ended.await();
      }
      return federation.state() == FederationState.COMPLETED ? 0 : 1;
    }
  }

  private FederationSpec overrides(FederationSpec s) {
    FederationSpec.Builder b = s.toBuilder();
    if (rounds != null) {
      if (rounds < 1) {
        throw new UserError("--rounds must be at least 1");
      }
      b.setRounds(rounds);
    }
    if (strategy != null) {
      b.setStrategy(strategy);
    }
    if (seed != null) {
      b.setSeed(seed);
    }
    return b.build();
  }

  private static Path defaultWorkDir() {
    String home = System.getProperty("cohort.home", ".");
    return Path.of(home, ".cache", "demo",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }
}
