package io.cohort.edge.cli;

import io.cohort.edge.data.LocalDataset;
import io.cohort.edge.privacy.DpLocalWork;
import io.cohort.edge.privacy.DpSettings;
import io.cohort.edge.privacy.PrivacyBudget;
import io.cohort.edge.privacy.PrivacyLedger;
import io.cohort.edge.session.EdgeClient;
import io.cohort.edge.task.AttackingWork;
import io.cohort.edge.task.ConstantUpdateWork;
import io.cohort.edge.task.LocalWork;
import io.cohort.edge.training.DjlLocalWork;
import io.cohort.edge.training.GradientTransform;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.Encoding;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import io.cohort.model.identity.Credentials;
import io.cohort.model.identity.Role;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cohort client}: a data owner's node. */
@Command(name = "client", mixinStandardHelpOptions = true,
    header = "Runs an edge client that trains on its local data when its federation asks.",
    description = {"It joins a federation, trains on local data when asked and uploads only",
        "model updates. Reconnects by itself; exits when the federation ends",
        "(0 = completed, 1 = stopped or failed, 2 = refused or bad input)."})
public final class ClientCommand implements Callable<Integer> {

  @Option(names = "--coordinator", defaultValue = "${env:COHORT_COORDINATOR:-127.0.0.1:7400}",
      description = "Coordinator address host:port (env COHORT_COORDINATOR, default"
          + " ${DEFAULT-VALUE}).")
  String coordinator;

  @Option(names = "--federation", defaultValue = "${env:COHORT_FEDERATION:-heart}",
      description = "Federation to join (env COHORT_FEDERATION, default ${DEFAULT-VALUE}).")
  String federation;

  @Option(names = "--node", required = true, defaultValue = "${env:COHORT_NODE_ID}",
      description = "This node's id, [a-z0-9_-]{1,64} (env COHORT_NODE_ID).")
  String node;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @ArgGroup(exclusive = false)
    LocalData data;

    @ArgGroup(exclusive = false)
    Simulated simulated;
  }

  static final class LocalData {
    @Option(names = "--data", required = true, description = "Local CSV file (never leaves"
        + " this machine).")
    Path csv;

    @Option(names = "--schema", required = true, description = "Schema YAML of the"
        + " federation (label, features, missing markers).")
    Path schema;
  }

  static final class Simulated {
    @Option(names = "--simulate-elements", required = true, description = "Benchmark mode:"
        + " no data, the update is a constant vector of this many trainable parameters.")
    int elements;

    @Option(names = "--simulate-value", defaultValue = "0.001",
        description = "Value of every element of the simulated update (default"
            + " ${DEFAULT-VALUE}).")
    float value;

    @Option(names = "--simulate-samples", defaultValue = "100",
        description = "Sample count the simulated node reports (default ${DEFAULT-VALUE}).")
    long samples;

    @Option(names = "--simulate-input-features", required = true,
        description = "Input features the simulated node reports (must match the model).")
    int inputFeatures;

    @Option(names = "--simulate-schema-fingerprint", defaultValue = "simulated",
        description = "Schema fingerprint the simulated node reports (default"
            + " ${DEFAULT-VALUE}).")
    String fingerprint;
  }

  @Option(names = "--device", defaultValue = "${env:COHORT_DEVICE:-auto}",
      description = "Training device: auto, cpu or gpu (env COHORT_DEVICE, default"
          + " ${DEFAULT-VALUE}; auto uses a GPU when the engine sees one).")
  String device;

  @Option(names = "--threads", defaultValue = "${env:COHORT_TORCH_THREADS:-1}",
      description = "PyTorch intra-op threads (env COHORT_TORCH_THREADS, default"
          + " ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--timeout-h", defaultValue = "24",
      description = "Give up (exit 1) if the federation has not ended after this many hours;"
          + " until then an unreachable coordinator or a federation not created yet is"
          + " retried (default ${DEFAULT-VALUE}).")
  long timeoutHours;

  @Mixin
  PrivacyOptions privacy;

  @Mixin
  CredentialsOptions security;

  @Option(names = "--attack", description = "Robustness testing only: poison this node's"
      + " updates after honest training: scale, sign-flip or random (see --attack-factor).")
  String attack;

  @Option(names = "--attack-factor", defaultValue = "10",
      description = "With --attack: the scale (scale, sign-flip) or the noise standard deviation"
          + " (random) (default ${DEFAULT-VALUE}).")
  double attackFactor;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LocalWork work;
    DatasetSummary summary;
    String deviceName = "cpu";
    AutoCloseable resource = null;
    Capabilities.Builder capabilities = Capabilities.newBuilder();
    DpSettings dpSettings = null;
    if (timeoutHours < 1) {
      throw new IllegalArgumentException("--timeout-h must be at least 1, got " + timeoutHours);
    }
    if (privacy.enabled()) {
      if (source.simulated != null) {
        throw new IllegalArgumentException("--dp on needs --data: a simulated node has no"
            + " records to protect");
      }
      dpSettings = privacy.settings(); // bad settings are refused before anything is loaded
    } else {
      privacy.requireOffSettingsUnset();
    }
    if (source.simulated != null) {
      Simulated s = source.simulated;
      work = new ConstantUpdateWork(s.elements, s.value, s.samples, 0);
      summary = DatasetSummary.newBuilder().setTrainExamples(s.samples).setEvalExamples(10)
          .setSchemaFingerprint(s.fingerprint).setInputFeatures(s.inputFeatures).build();
    } else {
      LocalDataset data = LocalDataset.load(source.data.csv, source.data.schema);
      PrivacyBudget budget = null;
      if (dpSettings != null) {
        try {
          budget = new PrivacyBudget(dpSettings, new PrivacyLedger(privacy.ledgerFile(node)),
              data.train().rows());
        } catch (PrivacyLedger.CorruptedException corrupted) {
          spec.commandLine().getErr().println("cohort: " + corrupted.getMessage());
          return 2;
        }
        capabilities.setDifferentialPrivacy(true).setDelta(budget.delta())
            .setEpsilonBudget(dpSettings.epsilonBudget());
      }
      DjlRuntime runtime = DjlRuntime.start(new DjlRuntime.Settings(device, threads, 1, null));
      deviceName = runtime.device().isGpu() ? "gpu" : "cpu";
      if (budget != null) {
        DpLocalWork dp = new DpLocalWork(runtime, data.train(), data.eval(), node, budget);
        System.out.printf(Locale.ROOT, "[%s] DP-SGD on: epsilon spent %.4f of a budget of %.4f"
            + " at delta %.3g (ledger %s)%n", node, budget.epsilonSpent(),
            dpSettings.epsilonBudget(), budget.delta(), budget.ledger().file());
        resource = dp;
        work = dp;
      } else {
        DjlLocalWork djl = new DjlLocalWork(runtime, data.train(), data.eval(), node,
            GradientTransform.identity());
        resource = djl;
        work = djl;
      }
      summary = DatasetSummary.newBuilder().setTrainExamples(data.train().rows())
          .setEvalExamples(data.eval().rows()).setSchemaFingerprint(data.schemaFingerprint())
          .setInputFeatures(data.schema().inputFeatures()).build();
    }
    // Checked once the data is known to be good, so data errors are reported first.
    Credentials credentials = security.load(Role.NODE, spec.commandLine().getErr());
    if (credentials != null && !credentials.identity().id().equals(node)) {
      throw new IllegalArgumentException("--credentials identify " + credentials.identity()
          + ", not --node " + node + ": a node can only join as itself");
    }
    if (attack != null) {
      work = new AttackingWork(work, AttackingWork.Attack.parse(attack), attackFactor);
      System.out.printf(Locale.ROOT, "[%s] WARNING: attack simulation on: %s x %s%n", node,
          attack, attackFactor);
    }
    ConsoleProgress console = new ConsoleProgress(System.out, System.console() != null, node);
    try (EdgeClient client = new EdgeClient(new EdgeClient.Config(coordinator, federation, node)
        .withCredentials(credentials),
        summary, capabilities.setDevice(deviceName).addEncodings(Encoding.FLOAT32)
            .addEncodings(Encoding.FLOAT16).build(), work, console)) {
      client.start();
      String state;
      try {
        state = client.awaitEnd(timeoutHours, TimeUnit.HOURS);
      } catch (IllegalStateException refused) {
        System.err.println("cohort: " + refused.getMessage());
        return 2;
      }
      if (state == null) {
        System.err.println("cohort: federation " + federation + " did not end within "
            + timeoutHours + " h (--timeout-h); giving up");
        return 1;
      }
      return "COMPLETED".equals(state) ? 0 : 1;
    } finally {
      if (resource != null) {
        resource.close();
      }
    }
  }
}
