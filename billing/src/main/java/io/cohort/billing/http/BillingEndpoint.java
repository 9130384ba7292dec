package io.cohort.billing.http;

import io.cohort.billing.metrics.BillingMetrics;
import io.cohort.billing.period.PeriodClosing;
import io.cohort.billing.query.BillingQueryService;
import io.cohort.billing.query.LedgerFollower;
import io.cohort.billing.stream.BillingService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;

/**
 * A running billing service's HTTP side, as {@code cohort billing --http} and the demo serve it:
 * the query API over a {@link LedgerFollower} and the service's metrics. Closing stops both.
 */
public final class BillingEndpoint implements AutoCloseable {

  private final LedgerFollower follower;
  private final PrometheusMeterRegistry registry;
  private final BillingHttpServer server;

  private BillingEndpoint(LedgerFollower follower, PrometheusMeterRegistry registry,
      BillingHttpServer server) {
    this.follower = follower;
    this.registry = registry;
    this.server = server;
  }

  /** Follows the ledger on {@code bootstrapServers} and serves it on {@code address}. */
  public static BillingEndpoint start(BillingService service, String bootstrapServers,
      PeriodClosing periods, String currency, InetSocketAddress address) {
    LedgerFollower follower = LedgerFollower.start(bootstrapServers, periods, currency);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BillingMetrics.bindDeadLetters(registry, service.counter());
    BillingMetrics.bindLedgerLag(registry, service.streams());
    BillingMetrics.bindQueryLag(registry, follower);
    try {
      return new BillingEndpoint(follower, registry, BillingHttpServer.start(address,
          new BillingQueryService(follower, Clock.systemUTC()), registry));
    } catch (RuntimeException e) {
      follower.close();
      registry.close();
      throw e;
    }
  }

  /** Base URI, e.g. {@code http://127.0.0.1:7480/}. */
  public URI uri() {
    return server.uri();
  }

  @Override
  public void close() {
    server.close();
    follower.close();
    registry.close();
  }
}
