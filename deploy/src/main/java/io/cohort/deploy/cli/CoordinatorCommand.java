package io.cohort.deploy.cli;

import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationSpecs;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.inference.InferenceSettings;
import io.cohort.coordinator.inference.ServingEngine;
import io.cohort.coordinator.keys.QuotaPolicy;
import io.cohort.coordinator.server.CoordinatorServer;
import io.cohort.coordinator.security.TlsSettings;
import io.cohort.deploy.UserError;
import io.cohort.deploy.spec.FederationFile;
import io.cohort.deploy.spec.SchemaBinding;
import io.cohort.edge.cli.CredentialsOptions;
import io.cohort.model.identity.Pem;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.FederationState;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cohort coordinator}: runs a coordinator until interrupted. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
    header = "Runs a coordinator: federations, rounds, model registry, gRPC API and dashboard.",
    description = {"It holds the round engine, the model registry and the gRPC API; on",
        "--http-port also the operators' dashboard, JSON API, /metrics, /healthz and",
        "/readyz. State lives in --data-dir: restarting with the same folder resumes",
        "every federation from its last completed round."})
public final class CoordinatorCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "${env:COHORT_HOST:-127.0.0.1}",
      description = "Address to listen on (env COHORT_HOST, default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "${env:COHORT_PORT:-7400}",
      description = "gRPC port; 0 picks a free one (env COHORT_PORT, default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--http-port", defaultValue = "${env:COHORT_HTTP_PORT:-7401}",
      description = "HTTP port on --host for the dashboard, JSON API, Prometheus /metrics and"
          + " health checks; 0 picks a free one, -1 serves none (env COHORT_HTTP_PORT, default"
          + " ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--data-dir", defaultValue = "${env:COHORT_DATA_DIR:-cohort-data}",
      description = "Journal and model registry folder (env COHORT_DATA_DIR, default"
          + " ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--spec", description = "Federation spec YAML to create if its id does not"
      + " exist yet; checked before the coordinator listens (format: docs/spec.md).")
  Path spec;

  @Option(names = "--start", description = "Start the federation from --spec if it is CREATED.")
  boolean start;

  @Option(names = "--heartbeat-ms", defaultValue = "${env:COHORT_HEARTBEAT_MS:-2000}",
      description = "Heartbeat interval, ms; sessions silent for 5 intervals are dropped"
          + " (env COHORT_HEARTBEAT_MS, default ${DEFAULT-VALUE}).")
  long heartbeatMs;

  @Option(names = "--max-concurrent-uploads",
      defaultValue = "${env:COHORT_MAX_CONCURRENT_UPLOADS:-4}",
      description = "Updates staged at once, one model's memory each; uploads beyond it wait"
          + " (the round also holds its aggregate and the current model; env"
          + " COHORT_MAX_CONCURRENT_UPLOADS, default ${DEFAULT-VALUE}).")
  int maxConcurrentUploads;

  @Option(names = "--kafka", defaultValue = "${env:COHORT_KAFKA}",
      description = "Kafka bootstrap servers to publish contribution and model-version events"
          + " to (env COHORT_KAFKA; events are spooled on disk while Kafka is unreachable).")
  String kafka;

  @Mixin
  CredentialsOptions security;

  @Option(names = "--crl", defaultValue = "${env:COHORT_CRL}", paramLabel = "FILE",
      description = "Certificate revocation list from 'cohort provision', re-read when it"
          + " changes (env COHORT_CRL; default: crl.pem beside --credentials).")
  Path crl;

  @Option(names = "--dashboard-session-minutes", paramLabel = "MINUTES",
      defaultValue = "${env:COHORT_DASHBOARD_SESSION_MINUTES:-720}",
      description = "How long a dashboard token from 'cohort dashboard-login' works, minutes"
          + " (with --credentials only; env COHORT_DASHBOARD_SESSION_MINUTES, default"
          + " ${DEFAULT-VALUE}).")
  long dashboardSessionMinutes;

  @Spec
  CommandSpec command;

  @Option(names = "--billing-url", defaultValue = "${env:COHORT_BILLING_URL}",
      description = "Base URL of the billing HTTP API (cohort billing --http); the dashboard then"
          + " shows revenue, payouts and invoices (env COHORT_BILLING_URL).")
  String billingUrl;

  @Option(names = "--exit-when-done", description = "With --spec: exit when that federation"
      + " ends, with 0 if it COMPLETED and 1 if it was stopped or failed.")
  boolean exitWhenDone;

  @Option(names = "--inference-batch-wait-us",
      defaultValue = "${env:COHORT_INFERENCE_BATCH_WAIT_US:-200}",
      description = "Micro-batching: how long a batch of predictions may wait for requests"
          + " already on their way, microseconds; 0 = no batching (default ${DEFAULT-VALUE}).")
  long batchWaitUs;

  @Option(names = "--inference-engine",
      defaultValue = "${env:COHORT_INFERENCE_ENGINE:-java}",
      description = "What computes predictions: 'djl' (a pool of DJL PyTorch predictors per model"
          + " version) or 'java' (the plain-Java forward pass); see"
          + " docs/decisions/0006 (env COHORT_INFERENCE_ENGINE, default ${DEFAULT-VALUE}).")
  String inferenceEngine;

  @Option(names = "--inference-predictors",
      defaultValue = "${env:COHORT_INFERENCE_PREDICTORS:-4}",
      description = "DJL predictors per loaded model version (engine djl; default"
          + " ${DEFAULT-VALUE}).")
  int inferencePredictors;

  @Option(names = "--inference-max-records",
      defaultValue = "${env:COHORT_INFERENCE_MAX_RECORDS:-1000}",
      description = "Records per predict request at most (default ${DEFAULT-VALUE}).")
  int maxRecords;

  @Option(names = "--key-rate-limit", defaultValue = "${env:COHORT_KEY_RATE_LIMIT:-2000}",
      description = "Requests per second per API key, 0 = none (burst: twice that;"
          + " default ${DEFAULT-VALUE}).")
  double keyRateLimit;

  @Option(names = "--key-daily-quota",
      defaultValue = "${env:COHORT_KEY_DAILY_QUOTA:-10000000}",
      description = "Predictions per UTC day per API key, 0 = none (default ${DEFAULT-VALUE}).")
  long keyDailyQuota;

  @Override
  public Integer call() throws Exception {
    checkBillingUrl(billingUrl);
    InferenceSettings inference;
    try {
      inference = new InferenceSettings(Duration.ofNanos(batchWaitUs * 1_000), 512, maxRecords,
          new QuotaPolicy(keyRateLimit, (int) Math.max(1, Math.min(1_000_000, 2 * keyRateLimit)),
              keyDailyQuota), ServingEngine.parse(inferenceEngine), inferencePredictors);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (dashboardSessionMinutes < 1) {
      throw new UserError("--dashboard-session-minutes must be at least 1, got "
          + dashboardSessionMinutes);
    }
    if (heartbeatMs < 1) {
      throw new UserError("--heartbeat-ms must be at least 1, got " + heartbeatMs);
    }
    if (maxConcurrentUploads < 1) {
      throw new UserError("--max-concurrent-uploads must be at least 1, got "
          + maxConcurrentUploads);
    }
    if (exitWhenDone && spec == null) {
      throw new UserError("--exit-when-done needs --spec (the federation to wait for)");
    }
    // The spec is read and checked before anything listens or is written to --data-dir.
    FederationFile file = spec != null ? FederationFile.load(spec) : null;
    SchemaBinding.Bound bound = file != null ? SchemaBinding.bind(file) : null;
    if (bound != null) {
      FederationSpec withDefaults = FederationSpecs.withDefaults(bound.spec());
      if (Files.exists(dataDir.resolve(Federations.JOURNAL_FILE))) {
        // A restart: the federation may exist already, and what only creation needs (its
        // initial model file, say) may be gone. Create checks the rest if it does not exist.
        FederationSpecs.validate(withDefaults);
      } else {
        FederationSpecs.validate(withDefaults, bound.validation());
      }
    }
    Path bundle = security.bundle(command.commandLine().getErr());
    TlsSettings tls = bundle == null ? null : (crl == null ? TlsSettings.fromBundle(bundle)
        : new TlsSettings(bundle, crl)).withDashboardSessionTtl(
            Duration.ofMinutes(dashboardSessionMinutes));
    CoordinatorServer server = new CoordinatorServer(new CoordinatorServer.Config(host, port,
        dataDir, heartbeatMs, maxConcurrentUploads, httpPort, kafka, tls, billingUrl), List.of(),
        inference)
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    System.out.println("coordinator listening on " + server.target() + " (data: "
        + dataDir.toAbsolutePath() + ", " + (tls == null ? "PLAINTEXT" : "mutual TLS, CA "
        + Pem.fingerprint(server.tls().orElseThrow().credentials().ca())) + ")");
    server.dashboardUrl().ifPresent(url -> System.out.println("dashboard: " + url
        + " (metrics: " + url + "metrics)"));
    if (bound != null) {
      FederationSpec resolved = bound.spec();
      io.cohort.deploy.spec.ConsumerSchema.save(file, resolved.getFederationId(), dataDir);
      Federation f = server.federations().get(resolved.getFederationId())
          .orElseGet(() -> server.federations().create(resolved, bound.validation()));
      if (start && f.state() == FederationState.CREATED) {
        f.start();
      }
      System.out.println("federation " + f.id() + " is " + f.state() + " (round "
          + f.completedRounds() + " of " + f.spec().getRounds() + ")");
      if (exitWhenDone) {
        server.federations().awaitTerminal(f.id(), Long.MAX_VALUE);
        System.out.println("federation " + f.id() + " is " + f.state());
        return f.state() == FederationState.COMPLETED ? 0 : 1;
      }
    }
    stopped.await();
    return 0;
  }

  /** An absolute http(s) URL with a host, or absent. */
  static void checkBillingUrl(String url) {
    if (url == null) {
      return;
    }
    try {
      URI uri = new URI(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return;
      }
    } catch (URISyntaxException e) {
      // below
    }
    throw new UserError("--billing-url must be the billing HTTP API's base URL, e.g. "
        + "http://127.0.0.1:7480/, got '" + url + "'");
  }
}
