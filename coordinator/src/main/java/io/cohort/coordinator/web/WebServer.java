package io.cohort.coordinator.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cohort.coordinator.audit.AuditLog;
import io.cohort.coordinator.audit.PeerAddress;
import io.cohort.coordinator.dashboard.DashboardSessions;
import io.cohort.coordinator.federation.FederationListener;
import io.cohort.coordinator.federation.Federations;
import io.cohort.coordinator.metrics.CoordinatorMetrics;
import io.cohort.coordinator.security.BearerToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's HTTP port (default 7401): the dashboard's static files, its JSON API and
 * server-sent events under {@code /api}, Prometheus metrics at {@code /metrics}, and
 * {@code /healthz} and {@code /readyz} for orchestrators. Built on the JDK's HTTP server (see
 * docs/decisions/0003-operator-http-server.md).
 *
 * <p>State-changing requests ({@code POST}) must carry {@value #ACTION_HEADER}; browsers cannot
 * add it to a cross-site request without a CORS preflight, which this server never grants, so
 * another web page cannot make an operator's browser pause a federation.
 *
 * <p>When {@link #requireSessions} was called (coordinators with mutual TLS), a {@code POST}
 * must also carry {@code Authorization: Bearer <token>} of a dashboard session
 * ({@link DashboardSessions}); it then acts, and is audited, as that session's operator. Reads
 * ({@code GET}, server-sent events) stay open: they show metrics and states, not secrets.
 */
public final class WebServer implements AutoCloseable {

  public static final String ACTION_HEADER = "X-Cohort-Action";
  static final String STATIC = "/io/cohort/coordinator/web/static";

  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern STATIC_PATH = Pattern.compile("(/[A-Za-z0-9_.-]+)+");
  private static final long PING_MS = 10_000;
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "md", "text/plain; charset=utf-8",
      "png", "image/png", "ico", "image/x-icon");

  private final String host;
  private final int requestedPort;
  private final AuditLog audit;
  private final CoordinatorMetrics metrics;
  private final BooleanSupplier ready;
  private final LiveRounds liveRounds = new LiveRounds();
  private final LiveEvents events = new LiveEvents();
  private final ExecutorService executor;
  private HttpServer server;
  private DashboardApi api;
  private volatile BillingOverview billing;
  private volatile DashboardSessions sessions;
  private final Map<String, com.sun.net.httpserver.HttpHandler> routes =
      new java.util.LinkedHashMap<>();

  /**
   * @param port 0 for a free port
   * @param ready whether the coordinator is ready for traffic (for {@code /readyz})
   */
  public WebServer(String host, int port, AuditLog audit, CoordinatorMetrics metrics,
      BooleanSupplier ready) {
    this.host = host;
    this.requestedPort = port;
    this.audit = audit;
    this.metrics = metrics;
    this.ready = ready;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "dashboard-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Listeners the federations must be created with, so the dashboard sees rounds live. */
  public List<FederationListener> listeners() {
    return List.of(liveRounds, events);
  }

  /** Shows billing panels from the billing HTTP API at {@code billingUrl}. */
  public WebServer withBilling(java.net.URI billingUrl) {
    this.billing = new BillingOverview(billingUrl);
    return this;
  }

  /** Actions need a token of one of these sessions (before start). */
  public WebServer requireSessions(DashboardSessions required) {
    this.sessions = required;
    return this;
  }

  /** Serves {@code prefix} with another handler (e.g. the inference API at /v1/); before start. */
  public WebServer route(String prefix, com.sun.net.httpserver.HttpHandler handler) {
    routes.put(prefix, handler);
    return this;
  }

  /** Starts serving the given federations. */
  public WebServer start(Federations federations) {
    api = new DashboardApi(federations, audit, liveRounds);
    events.bind(api, federations);
    audit.subscribe(events::audit);
    try {
      server = HttpServer.create(new InetSocketAddress(host, requestedPort), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort
          + " for HTTP (is another coordinator running? choose another --http-port)", e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    routes.forEach(server::createContext);
    server.start();
    log.info("dashboard and metrics on {}", url());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The dashboard's address, e.g. {@code http://127.0.0.1:7401/}. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port() + "/";
  }

  // ---- dispatch -------------------------------------------------------------------------------

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      securityHeaders(ex);
      if (method.equals("POST") && path.startsWith("/api/")) {
        action(ex, path.substring(5));
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD, POST");
        text(ex, 405, "method not allowed\n");
      } else if (path.equals("/healthz")) {
        text(ex, 200, "ok\n");
      } else if (path.equals("/readyz")) {
        boolean isReady = ready.getAsBoolean();
        text(ex, isReady ? 200 : 503, isReady ? "ready\n" : "not ready\n");
      } else if (path.equals("/metrics")) {
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
            metrics.scrape().getBytes(StandardCharsets.UTF_8));
      } else if (path.equals("/api/events")) {
        stream(ex);
      } else if (path.equals("/api/billing")) {
        BillingOverview b = billing;
        json(ex, b != null ? b.fetch() : DashboardApi.error(404, "billing is not connected "
            + "(start the coordinator with --billing-url)"));
      } else if (path.startsWith("/api/")) {
        json(ex, api.get(decode(path.substring(5)), query(ex.getRequestURI().getRawQuery())));
      } else {
        staticFile(ex, path.equals("/") ? "/index.html" : path);
      }
    } catch (IOException e) {
      log.debug("http exchange ended early: {}", e.toString());
    } catch (RuntimeException e) {
      log.warn("http request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      try {
        json(ex, DashboardApi.error(500, "internal error: " + e.getMessage()));
      } catch (IOException | RuntimeException ignored) {
        // response already started
      }
    }
  }

  private void action(HttpExchange ex, String path) throws IOException {
    ex.getRequestBody().readAllBytes();
    if (ex.getRequestHeaders().getFirst(ACTION_HEADER) == null) {
      json(ex, DashboardApi.error(403, "state-changing requests need the " + ACTION_HEADER
          + " header"));
      return;
    }
    String peer = "http " + PeerAddress.format(ex.getRemoteAddress());
    DashboardSessions required = sessions;
    String actor = AuditLog.OPERATOR;
    if (required != null) {
      try {
        actor = required.authenticate(
            BearerToken.from(ex.getRequestHeaders().getFirst("Authorization")));
      } catch (DashboardSessions.Refused e) {
        audit.refused(AuditLog.event("anonymous", "http.refused", "", peer)
            .setTarget(("POST /api/" + path).substring(0, Math.min(200, path.length() + 10))),
            "401: " + e.getMessage()); // the path is the caller's: bounded in the audit log
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"cohort-dashboard\"");
        json(ex, DashboardApi.error(401, e.getMessage()));
        return;
      }
    }
    json(ex, api.post(decode(path), actor, peer));
  }

  /** Server-sent events: holds the connection, writing events as they come and a ping. */
  private void stream(HttpExchange ex) throws IOException {
    BlockingQueue<String> queue = events.subscribe();
    if (queue == null) {
      text(ex, 503, "too many live dashboards; close one and reload\n");
      return;
    }
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String message = queue.poll(PING_MS, TimeUnit.MILLISECONDS);
        if (LiveEvents.END.equals(message)) {
          return;
        }
        // a ping is a real event, so a browser can tell a quiet stream from a dead one
        out.write((message == null ? "event: ping\ndata: {}\n\n" : message)
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      events.unsubscribe(queue);
    }
  }

  private void staticFile(HttpExchange ex, String path) throws IOException {
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1));
    if (!STATIC_PATH.matcher(path).matches() || path.contains("..") || type == null) {
      text(ex, 404, "not found\n");
      return;
    }
    try (InputStream in = WebServer.class.getResourceAsStream(STATIC + path)) {
      if (in == null) {
        text(ex, 404, "not found\n");
        return;
      }
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      send(ex, 200, type, in.readAllBytes());
    }
  }

  // ---- responses ------------------------------------------------------------------------------

  private static void securityHeaders(HttpExchange ex) {
    var h = ex.getResponseHeaders();
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:;"
        + " style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  }

  private static void json(HttpExchange ex, DashboardApi.Response r) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    send(ex, r.status(), "application/json", MAPPER.writeValueAsBytes(r.body()));
  }

  private static void text(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v,
          StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    events.close();
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
  }
}
