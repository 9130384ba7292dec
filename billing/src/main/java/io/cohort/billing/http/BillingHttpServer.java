package io.cohort.billing.http;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cohort.billing.query.BillingQueryService;
import io.cohort.billing.query.UnaryReply;
import io.cohort.proto.v1.GetBalanceRequest;
import io.cohort.proto.v1.GetOverviewRequest;
import io.cohort.proto.v1.GetStatementRequest;
import io.cohort.proto.v1.ListLedgerEntriesRequest;
import io.cohort.proto.v1.ListPeriodsRequest;
import io.cohort.proto.v1.ListPeriodsResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing query API as JSON over HTTP, with the semantics of the gRPC
 * {@code cohort.v1.BillingService} (every request is answered by a {@link BillingQueryService}),
 * and Prometheus metrics. Read-only; every endpoint is {@code GET}:
 *
 * <pre>
 * GET /v1/accounts/{account}/balance                      Balance
 * GET /v1/accounts/{account}/entries[?period=P][&amp;page_size=N][&amp;page_token=T]
 *                                                         ListLedgerEntriesResponse
 * GET /v1/accounts/{account}/statement[?period=P]         Statement
 * GET /v1/periods                                         ListPeriodsResponse
 * GET /v1/overview[?max_periods=N]                        Overview (balances, period totals,
 *                                                         invoices: the dashboard's billing)
 * GET /metrics                                            Prometheus text format
 * GET /health                                             {"status": "ok"} or 503 "loading"
 * </pre>
 *
 * <p>Accounts are as in the ledger ({@code consumer:acme}, {@code owner:hospital-a},
 * {@code prepaid:acme}, {@code platform}), percent-encoded where needed. Bodies are the protobuf
 * messages in the proto3 JSON mapping (lowerCamelCase names, 64-bit integers as strings, every
 * field present). Errors are {@code {"error": {"status": 400, "code": "INVALID_ARGUMENT",
 * "message": "..."}}}: 400 for a malformed account, period id, page size or token or an unknown
 * parameter, 404 for an unknown path, 405 for another method, 503 (with {@code Retry-After})
 * while the ledger is still being loaded.
 */
public final class BillingHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BillingHttpServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().includingDefaultValueFields();

  private final HttpServer server;
  private final ExecutorService executor;
  private final BillingQueryService queries;
  private final PrometheusMeterRegistry metrics;

  private BillingHttpServer(HttpServer server, ExecutorService executor,
      BillingQueryService queries, PrometheusMeterRegistry metrics) {
    this.server = server;
    this.executor = executor;
    this.queries = queries;
    this.metrics = metrics;
  }

  /**
   * Binds {@code address} (port 0 picks a free port) and starts serving.
   *
   * @param queries answers the API
   * @param metrics scraped at {@code /metrics}
   */
  public static BillingHttpServer start(InetSocketAddress address, BillingQueryService queries,
      PrometheusMeterRegistry metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the billing HTTP server to " + address, e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "billing-http");
      t.setDaemon(true);
      return t;
    });
    BillingHttpServer http = new BillingHttpServer(server, executor, queries, metrics);
    server.createContext("/", http::handle);
    server.setExecutor(executor);
    server.start();
    return http;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Base URI, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange);
      } catch (HttpError e) {
        if (e.status == 405) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        }
        error(exchange, e.status, e.code, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("billing HTTP request {} failed", exchange.getRequestURI(), e);
        error(exchange, 500, "INTERNAL", "internal error: " + e);
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    List<String> path = segments(exchange.getRequestURI().getRawPath());
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new HttpError(405, "METHOD_NOT_ALLOWED", method + " is not allowed; the billing API "
          + "is read-only, use GET");
    }
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (path.equals(List.of("metrics"))) {
      allow(query);
      send(exchange, 200, PROMETHEUS, metrics.scrape());
    } else if (path.equals(List.of("health"))) {
      allow(query);
      sendHealth(exchange);
    } else if (path.equals(List.of("v1", "periods"))) {
      allow(query);
      answer(exchange, ListPeriodsRequest.getDefaultInstance(), queries::listPeriods);
    } else if (path.equals(List.of("v1", "overview"))) {
      allow(query, "max_periods");
      GetOverviewRequest.Builder request = GetOverviewRequest.newBuilder();
      if (query.containsKey("max_periods")) {
        request.setMaxPeriods(intParam("max_periods", query.get("max_periods")));
      }
      answer(exchange, request.build(), queries::getOverview);
    } else if (path.size() == 4 && path.get(0).equals("v1") && path.get(1).equals("accounts")) {
      account(exchange, path.get(2), path.get(3), query);
    } else {
      throw new HttpError(404, "NOT_FOUND", "no such endpoint: " + exchange.getRequestURI()
          .getRawPath() + "; see /v1/accounts/{account}/balance|entries|statement, "
          + "/v1/periods, /v1/overview, /metrics, /health");
    }
  }

  private void account(HttpExchange exchange, String account, String what,
      Map<String, String> query) throws IOException {
    switch (what) {
      case "balance" -> {
        allow(query);
        answer(exchange, GetBalanceRequest.newBuilder().setAccount(account).build(),
            queries::getBalance);
      }
      case "entries" -> {
        allow(query, "period", "page_size", "page_token");
        ListLedgerEntriesRequest.Builder request = ListLedgerEntriesRequest.newBuilder()
            .setAccount(account).setPeriodId(query.getOrDefault("period", ""))
            .setPageToken(query.getOrDefault("page_token", ""));
        if (query.containsKey("page_size")) {
          request.setPageSize(pageSize(query.get("page_size")));
        }
        answer(exchange, request.build(), queries::listLedgerEntries);
      }
      case "statement" -> {
        allow(query, "period");
        answer(exchange, GetStatementRequest.newBuilder().setAccount(account)
            .setPeriodId(query.getOrDefault("period", "")).build(), queries::getStatement);
      }
      default -> throw new HttpError(404, "NOT_FOUND", "no such account resource '" + what
          + "'; use balance, entries or statement");
    }
  }

  private static int pageSize(String value) {
    try {
      int size = Integer.parseInt(value);
      if (size > 0) {
        return size;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new HttpError(400, "INVALID_ARGUMENT", "page_size must be a positive integer, got '"
        + value + "' (at most 1000 entries are returned per page)");
  }

  /** An integer parameter; its range is the query service's to check. */
  private static int intParam(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "INVALID_ARGUMENT", name + " must be an integer, got '" + value
          + "'");
    }
  }

  /** Calls the gRPC method and sends its reply, or its status as an HTTP error. */
  private <Q, R extends Message> void answer(HttpExchange exchange, Q request,
      BiConsumer<Q, StreamObserver<R>> method) throws IOException {
    UnaryReply<R> reply = new UnaryReply<>();
    method.accept(request, reply);
    if (reply.error() != null) {
      Status status = Status.fromThrowable(reply.error());
      int http = httpStatus(status.getCode());
      if (http == 503) {
        exchange.getResponseHeaders().set("Retry-After", "5");
      }
      error(exchange, http, status.getCode().name(),
          status.getDescription() == null ? status.getCode().name() : status.getDescription());
      return;
    }
    send(exchange, 200, JSON, PRINTER.print(reply.value()) + "\n");
  }

  private void sendHealth(HttpExchange exchange) throws IOException {
    UnaryReply<ListPeriodsResponse> probe = new UnaryReply<>();
    queries.listPeriods(ListPeriodsRequest.getDefaultInstance(), probe);
    boolean ready = probe.error() == null;
    if (!ready) {
      exchange.getResponseHeaders().set("Retry-After", "5");
    }
    send(exchange, ready ? 200 : 503, JSON, "{\"status\": \"" + (ready ? "ok" : "loading")
        + "\"}\n");
  }

  static int httpStatus(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> 400;
      case NOT_FOUND -> 404;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case UNIMPLEMENTED -> 501;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case RESOURCE_EXHAUSTED -> 429;
      default -> 500;
    };
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    send(exchange, status, JSON, "{\"error\": {\"status\": " + status + ", \"code\": \""
        + code + "\", \"message\": " + jsonString(message) + "}}\n");
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** A JSON string literal. */
  static String jsonString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Decoded path segments; "/v1/accounts/consumer%3Aacme/balance/" has four. */
  static List<String> segments(String rawPath) {
    return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
        .map(s -> decode(s.replace("+", "%2B"))).toList();
  }

  /** Decoded query parameters; a repeated one is a 400. */
  static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (params.put(name, value) != null) {
        throw new HttpError(400, "INVALID_ARGUMENT", "parameter '" + name + "' is given twice");
      }
    }
    return params;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "INVALID_ARGUMENT", "bad percent-encoding in '" + s + "'");
    }
  }

  /** Rejects parameters other than {@code allowed}, so a misspelt one is not silently ignored. */
  private static void allow(Map<String, String> query, String... allowed) {
    Set<String> known = Set.of(allowed);
    for (String name : query.keySet()) {
      if (!known.contains(name)) {
        throw new HttpError(400, "INVALID_ARGUMENT", "unknown parameter '" + name + "'"
            + (allowed.length == 0 ? "; this endpoint takes none"
                : "; this endpoint takes " + String.join(", ", allowed)));
      }
    }
  }

  /** An HTTP error reply. */
  private static final class HttpError extends RuntimeException {
    final int status;
    final String code;

    HttpError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }
}
