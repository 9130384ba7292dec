package io.cohort.coordinator.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.coordinator.federation.Federation;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.coordinator.federation.Federations;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.FederationState;
import io.cohort.proto.v1.RoundSummary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events for live dashboards. Every {@value #TICK_MS} ms (and at once when a round
 * starts or finishes or a state changes) each federation's view is compared with what was last
 * sent, and only what changed goes out:
 *
 * <ul>
 *   <li>{@code federation}: a federation's summary (state, rounds done, allowed actions);
 *   <li>{@code live}: its round in progress and its nodes;
 *   <li>{@code round}: a finished round attempt with its metrics;
 *   <li>{@code audit}: a new audit event.
 * </ul>
 *
 * A subscriber that falls {@value #QUEUE} events behind is dropped; its browser reconnects and
 * reloads the full state, so nothing is silently lost.
 */
final class LiveEvents implements FederationListener, AutoCloseable {

  static final long TICK_MS = 500;
  static final int QUEUE = 1_024;
  static final int MAX_SUBSCRIBERS = 32;
  /** Sent to a subscriber's queue to end its stream. */
  static final String END = "";

  private static final Logger log = LoggerFactory.getLogger(LiveEvents.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Set<BlockingQueue<String>> subscribers = ConcurrentHashMap.newKeySet();
  private final Map<String, String> lastSent = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "dashboard-events");
    t.setDaemon(true);
    return t;
  });
  private volatile DashboardApi api;
  private volatile Federations federations;

  void bind(DashboardApi api, Federations federations) {
    this.api = api;
    this.federations = federations;
    ticker.scheduleWithFixedDelay(this::tickSafely, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** A new subscriber's queue of formatted events, or null when there are too many. */
  BlockingQueue<String> subscribe() {
    if (subscribers.size() >= MAX_SUBSCRIBERS) {
      return null;
    }
    BlockingQueue<String> q = new ArrayBlockingQueue<>(QUEUE);
    ObjectNode hello = JsonNodeFactory.instance.objectNode();
    hello.put("serverTimeMs", System.currentTimeMillis());
    q.add(format("hello", hello));
    subscribers.add(q);
    return q;
  }

  void unsubscribe(BlockingQueue<String> q) {
    subscribers.remove(q);
  }

  int subscriberCount() {
    return subscribers.size();
  }

  // ---- what happens ---------------------------------------------------------------------------

  @Override
  public void roundStarted(String federationId, int round, int attempt, List<String> selected) {
    tickSoon();
  }

  @Override
  public void roundFinished(String federationId, RoundSummary summary) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("federationId", federationId);
    o.set("round", DashboardApi.round(summary));
    publish("round", o);
    tickSoon();
  }

  @Override
  public void stateChanged(String federationId, FederationState state, String reason) {
    tickSoon();
  }

  void audit(AuditEvent event) {
    publish("audit", DashboardApi.auditEvent(event));
  }

  // ---- publishing -----------------------------------------------------------------------------

  private void tickSoon() {
    if (api != null && !ticker.isShutdown()) {
      ticker.execute(this::tickSafely);
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("dashboard event tick failed", e);
    }
  }

  /** Sends each federation's summary and live view if it changed since last sent. */
  void tick() {
    if (subscribers.isEmpty()) {
      lastSent.clear(); // the next subscriber reloads everything anyway
      return;
    }
    for (Federation f : federations.list()) {
      ObjectNode summary = api.federation(f);
      JsonNode liveView = summary.remove("live");
      sendIfChanged("federation:" + f.id(), "federation", summary);
      ObjectNode live = JsonNodeFactory.instance.objectNode();
      live.put("federationId", f.id());
      if (liveView instanceof ObjectNode l) {
        l.remove("serverTimeMs");
      }
      live.set("live", liveView);
      live.set("nodes", api.nodes(f));
      sendIfChanged("live:" + f.id(), "live", live);
    }
  }

  private void sendIfChanged(String key, String event, ObjectNode data) {
    String json = data.toString();
    if (!json.equals(lastSent.put(key, json))) {
      if (event.equals("live") && data.get("live") instanceof ObjectNode l) {
        l.put("serverTimeMs", System.currentTimeMillis());
      }
      publish(event, data);
    }
  }

  private void publish(String event, JsonNode data) {
    if (subscribers.isEmpty()) {
      return;
    }
    String message = format(event, data);
    for (BlockingQueue<String> q : subscribers) {
      if (!q.offer(message)) {
        log.info("dashboard subscriber fell {} events behind; dropping it", QUEUE);
        subscribers.remove(q);
        q.clear();
        q.offer(END);
      }
    }
  }

  private static String format(String event, JsonNode data) {
    try {
      return "event: " + event + "\ndata: " + MAPPER.writeValueAsString(data) + "\n\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    for (BlockingQueue<String> q : subscribers) {
      q.clear();
      q.offer(END);
    }
    subscribers.clear();
  }
}
