package io.cohort.coordinator.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The dashboard's billing panels (revenue, payouts to owners, invoices) come from the billing
 * service's {@code GET /v1/overview}. The coordinator fetches it server-side, so the browser
 * talks to one origin and billing needs no CORS.
 */
final class BillingOverview {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final URI overview;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** @param billingUrl the billing HTTP API's base, e.g. {@code http://127.0.0.1:7480/} */
  BillingOverview(URI billingUrl) {
    String base = billingUrl.toString();
    this.overview = URI.create(base + (base.endsWith("/") ? "" : "/") + "v1/overview");
  }

  /** Billing's overview as it answered it, or 502 naming what went wrong. */
  DashboardApi.Response fetch() {
    try {
      HttpResponse<byte[]> reply = client.send(HttpRequest.newBuilder(overview).timeout(TIMEOUT)
          .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = MAPPER.readTree(reply.body());
      if (reply.statusCode() == 200) {
        return new DashboardApi.Response(200, body);
      }
      return DashboardApi.error(502, "billing at " + overview + " answered "
          + reply.statusCode() + ": " + body.path("error").path("message").asText(""));
    } catch (IOException e) {
      return DashboardApi.error(502, "billing at " + overview + " unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DashboardApi.error(503, "interrupted");
    }
  }
}
