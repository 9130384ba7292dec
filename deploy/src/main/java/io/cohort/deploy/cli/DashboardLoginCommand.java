package io.cohort.deploy.cli;

import io.cohort.deploy.UserError;
import io.cohort.proto.v1.CreateDashboardSessionRequest;
import io.cohort.proto.v1.DashboardSession;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cohort dashboard-login}: proves the operator's identity over mutual TLS and prints the
 * dashboard's address with a session token, Jupyter-style. The token rides in the URL fragment,
 * which browsers never send to a server, so it stays out of access logs and proxies.
 */
@Command(name = "dashboard-login", mixinStandardHelpOptions = true,
    header = "Opens a dashboard session with your operator certificate and prints its URL.",
    description = {"The URL carries the session's token: open it in a browser. Dashboard actions",
        "(start, pause, resume, stop) then act as you in the audit log until the token",
        "expires or the coordinator restarts."})
public final class DashboardLoginCommand implements Callable<Integer> {

  @Mixin CoordinatorAddress at;

  @Option(names = "--dashboard-url", defaultValue = "${env:COHORT_DASHBOARD_URL}",
      paramLabel = "URL", description = "The dashboard's address as your browser reaches it"
          + " (env COHORT_DASHBOARD_URL; default: the coordinator's HTTP address, with the host"
          + " of --coordinator when it listens on all interfaces).")
  String dashboardUrl;

  @Option(names = "--token-only", description = "Print only the token (for scripts).")
  boolean tokenOnly;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    DashboardSession session;
    try (OperatorClient client = at.connect()) {
      session = client.call(s -> s.createDashboardSession(
          CreateDashboardSessionRequest.getDefaultInstance()));
    }
    if (tokenOnly) {
      out.println(session.getToken());
    } else {
      out.println(base(session) + "#token=" + session.getToken());
      spec.commandLine().getErr().println("signed in as " + session.getActor() + " until "
          + Instant.ofEpochMilli(session.getExpiresAtMs()) + " (keep the URL private)");
    }
    out.flush();
    return 0;
  }

  /** The dashboard's base URL, ending in "/". */
  private String base(DashboardSession session) {
    String url = dashboardUrl != null ? dashboardUrl : reachable(session.getDashboardUrl(),
        at.coordinator);
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null || uri.getRawFragment() != null) {
        throw new URISyntaxException(url, "not an http(s) URL with a host");
      }
    } catch (URISyntaxException e) {
      throw new UserError("--dashboard-url must be an http(s) URL such as"
          + " http://127.0.0.1:7401/, got '" + url + "'");
    }
    return url.endsWith("/") ? url : url + "/";
  }

  /** The coordinator's own URL, with a wildcard listen host replaced by the one we dialled. */
  static String reachable(String served, String coordinator) {
    if (served.isEmpty()) {
      throw new UserError("the coordinator did not say where its dashboard is: pass"
          + " --dashboard-url");
    }
    URI uri = URI.create(served);
    String host = uri.getHost();
    if (host != null && (host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::"))) {
      int colon = coordinator.lastIndexOf(':');
      String dialled = colon < 0 ? coordinator : coordinator.substring(0, colon);
      return uri.getScheme() + "://" + dialled + ":" + uri.getPort() + "/";
    }
    return served;
  }
}
