package io.cohort.coordinator.metrics;

import io.cohort.billing.events.SpoolingEventPublisher;
import io.cohort.billing.metrics.BillingMetrics;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.NodeStatus;
import io.cohort.proto.v1.RoundSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The coordinator's Prometheus metrics, one method per thing that happens. Classes that observe
 * something hold this object and call it at the marked point; rounds are counted by listening to
 * federations, gauges are read from the federations at each scrape. Names as Prometheus shows
 * them are listed in docs/operations.md; the constants here are Micrometer's dotted names.
 */
public final class CoordinatorMetrics implements FederationListener {

  public static final String ROUNDS = "cohort.rounds";
  public static final String ROUND_DURATION = "cohort.round.duration";
  public static final String AGGREGATION_DURATION = "cohort.aggregation.duration";
  public static final String UPDATES_RECEIVED = "cohort.updates.received";
  public static final String UPDATES_REJECTED = "cohort.updates.rejected";
  public static final String SESSIONS_REFUSED = "cohort.sessions.refused";
  public static final String GRPC_RECEIVED = "cohort.grpc.received";
  public static final String GRPC_SENT = "cohort.grpc.sent";
  public static final String NODES_ACTIVE = "cohort.nodes.active";
  public static final String NODES = "cohort.nodes";
  public static final String FEDERATIONS = "cohort.federations";
  /** Model serving: requests by outcome and their latency, predictions, refusals by reason. */
  public static final String INFERENCE_REQUESTS = "cohort.inference.requests";
  public static final String INFERENCE_PREDICTIONS = "cohort.inference.predictions";
  public static final String INFERENCE_REJECTED = "cohort.inference.rejected";

  private static final String FEDERATION = "federation";
  private static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final MultiGauge nodesActive;
  private final MultiGauge nodesByStatus;
  private final MultiGauge federationsByState;
  private volatile Supplier<Collection<Federation>> federations = List::of;

  private CoordinatorMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.nodesActive = MultiGauge.builder(NODES_ACTIVE)
        .description("Nodes with an open session").register(registry);
    this.nodesByStatus = MultiGauge.builder(NODES)
        .description("Known nodes by status").register(registry);
    this.federationsByState = MultiGauge.builder(FEDERATIONS)
        .description("Federations by lifecycle state").register(registry);
  }

  /** Metrics exposed in the Prometheus text format (with JVM and process metrics). */
  public static CoordinatorMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new CoordinatorMetrics(registry, registry);
  }

  /** Metrics that go nowhere (tools and tests that do not serve /metrics). */
  public static CoordinatorMetrics disabled() {
    return new CoordinatorMetrics(new CompositeMeterRegistry(), null);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Where the gauges read nodes and federation states from at each scrape. */
  public void observe(Supplier<Collection<Federation>> federations) {
    this.federations = federations;
  }

  /** The Prometheus text exposition (empty when disabled). */
  public String scrape() {
    if (prometheus == null) {
      return "";
    }
    refreshGauges();
    return prometheus.scrape();
  }

  // ---- rounds (from the federation listener) --------------------------------------------------

  @Override
  public void roundFinished(String federationId, RoundSummary summary) {
    String outcome = summary.getOutcome().name().toLowerCase(Locale.ROOT);
    Counter.builder(ROUNDS).description("Finished round attempts by outcome")
        .tags(FEDERATION, federationId, "outcome", outcome).register(registry).increment();
    Timer.builder(ROUND_DURATION).description("Wall time of a round, dispatch to evaluation")
        .tags(FEDERATION, federationId, "outcome", outcome)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofHours(1)).register(registry)
        .record(summary.getDurationMs(), TimeUnit.MILLISECONDS);
  }

  // ---- the round engine ------------------------------------------------------------------------

  /** Time the strategy took to turn a round's accumulated updates into new parameters. */
  public void aggregated(String federationId, long nanos) {
    Timer.builder(AGGREGATION_DURATION).description("Strategy time to finish a round's aggregate")
        .tags(FEDERATION, federationId)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofMinutes(1)).register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  // ---- update uploads and sessions -------------------------------------------------------------

  /** An upload that was verified; {@code duplicate} for an idempotent retry (counted once). */
  public void updateReceived(String federationId, boolean duplicate) {
    Counter.builder(UPDATES_RECEIVED).description("Verified update uploads")
        .tags(FEDERATION, orUnknown(federationId), "result", duplicate ? "duplicate" : "aggregated")
        .register(registry).increment();
  }

  /** A refused upload; {@code reason} is the gRPC status code the node received. */
  public void updateRejected(String federationId, String reason) {
    Counter.builder(UPDATES_REJECTED).description("Refused update uploads by reason")
        .tags(FEDERATION, orUnknown(federationId), "reason", reason.toLowerCase(Locale.ROOT))
        .register(registry).increment();
  }

  /** A session refused at hello or ended for a protocol violation. */
  public void sessionRefused(String federationId, String reason) {
    Counter.builder(SESSIONS_REFUSED).description("Node sessions refused or ended by the"
            + " coordinator, by reason")
        .tags(FEDERATION, orUnknown(federationId), "reason", reason.toLowerCase(Locale.ROOT))
        .register(registry).increment();
  }

  /** Bytes of gRPC messages received, by method (see {@link GrpcTrafficMetrics}). */
  public Counter bytesReceived(String method) {
    return Counter.builder(GRPC_RECEIVED).baseUnit("bytes")
        .description("gRPC message bytes received").tags("method", method).register(registry);
  }

  /** Bytes of gRPC messages sent, by method. */
  public Counter bytesSent(String method) {
    return Counter.builder(GRPC_SENT).baseUnit("bytes")
        .description("gRPC message bytes sent").tags("method", method).register(registry);
  }

  // ---- model serving ---------------------------------------------------------------------------

  /** One inference request and its latency; {@code outcome} is ok or a gRPC status code. */
  public void inferenceRequest(String federationId, String outcome, long nanos) {
    Timer.builder(INFERENCE_REQUESTS).description("Inference requests and their latency")
        .tags(FEDERATION, orUnknown(federationId), "outcome", outcome)
        .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Predictions answered (rows scored) by a federation's model. */
  public void inferencePredictions(String federationId, long predictions) {
    Counter.builder(INFERENCE_PREDICTIONS).description("Predictions answered")
        .tags(FEDERATION, orUnknown(federationId)).register(registry).increment(predictions);
  }

  /** One refused inference request; {@code reason} e.g. invalid_input, rate_limit. */
  public void inferenceRejected(String reason) {
    Counter.builder(INFERENCE_REJECTED).description("Inference requests refused, by reason")
        .tags("reason", reason).register(registry).increment();
  }

  /**
   * Events this coordinator publishes (contributions, model versions, usage): spooled to disk,
   * acknowledged by Kafka, and pending; read from the publisher itself, so they cannot drift.
   */
  public void bindPublisher(SpoolingEventPublisher publisher) {
    BillingMetrics.bindPublisher(registry, publisher);
  }

  // ---- gauges ----------------------------------------------------------------------------------

  private void refreshGauges() {
    List<MultiGauge.Row<?>> active = new ArrayList<>();
    List<MultiGauge.Row<?>> byStatus = new ArrayList<>();
    Map<FederationState, Integer> states = new EnumMap<>(FederationState.class);
    for (Federation f : federations.get()) {
      states.merge(f.state(), 1, Integer::sum);
      Map<NodeStatus, Integer> counts = new EnumMap<>(NodeStatus.class);
      for (var n : f.nodes().snapshot()) {
        counts.merge(n.getStatus(), 1, Integer::sum);
      }
      active.add(MultiGauge.Row.of(Tags.of(FEDERATION, f.id()), f.nodes().connected().size()));
      for (NodeStatus s : NodeStatus.values()) {
        if (s != NodeStatus.NODE_STATUS_UNSPECIFIED && s != NodeStatus.UNRECOGNIZED) {
          byStatus.add(MultiGauge.Row.of(Tags.of(FEDERATION, f.id(), "status",
              s.name().toLowerCase(Locale.ROOT)), counts.getOrDefault(s, 0)));
        }
      }
    }
    List<MultiGauge.Row<?>> byState = new ArrayList<>();
    for (FederationState s : FederationState.values()) {
      if (s != FederationState.FEDERATION_STATE_UNSPECIFIED && s != FederationState.UNRECOGNIZED) {
        byState.add(MultiGauge.Row.of(Tags.of("state", s.name().toLowerCase(Locale.ROOT)),
            states.getOrDefault(s, 0)));
      }
    }
    nodesActive.register(active, true);
    nodesByStatus.register(byStatus, true);
    federationsByState.register(byState, true);
  }

  private static String orUnknown(String federationId) {
    return federationId == null || federationId.isEmpty() ? UNKNOWN : federationId;
  }
}
