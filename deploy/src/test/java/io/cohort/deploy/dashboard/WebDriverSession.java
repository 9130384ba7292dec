package io.cohort.deploy.dashboard;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A headless Chromium driven through Debian's chromedriver over the W3C WebDriver protocol
 * (plain HTTP and JSON; see docs/decisions/0003-operator-http-server.md for why not Selenium).
 * Only what the dashboard tests need: navigate, find, click, type keys, run a script, screenshot.
 */
final class WebDriverSession implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** The WebDriver key code of Enter. */
  static final String ENTER = "\uE007";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

  private final Process driver;
  private final String base;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private String session;

  /** Whether Chromium and chromedriver are installed where Debian puts them. */
  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Starts chromedriver on a free loopback port and a fresh headless Chromium. */
  WebDriverSession(Path userDataDir, Path driverLog, int width, int height) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.createDirectories(driverLog.getParent());
    driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port,
        "--log-path=" + driverLog).redirectErrorStream(true)
        .redirectOutput(driverLog.resolveSibling("chromedriver.out").toFile()).start();
    base = "http://127.0.0.1:" + port;
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> call("GET", "/status", null).at("/value/ready").asBoolean());
    ObjectNode caps = JSON.createObjectNode();
    ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    always.put("pageLoadStrategy", "normal");
    ObjectNode chrome = always.putObject("goog:chromeOptions");
    chrome.put("binary", CHROMIUM.toString());
    ArrayNode args = chrome.putArray("args");
    for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + userDataDir,
        "--window-size=" + width + "," + height, "--force-device-scale-factor=1")) {
      args.add(a);
    }
    session = call("POST", "/session", caps).at("/value/sessionId").asText();
  }

  void open(String url) throws Exception {
    command("POST", "/url", JSON.createObjectNode().put("url", url));
  }

  /** The first element matching a CSS selector, if any. */
  Optional<String> find(String css) throws Exception {
    ArrayNode found = (ArrayNode) command("POST", "/elements", JSON.createObjectNode()
        .put("using", "css selector").put("value", css)).get("value");
    if (found.isEmpty()) {
      return Optional.empty();
    }
    JsonNode id = found.get(0).get(ELEMENT);
    if (id == null) {
      throw new IllegalStateException("unexpected webdriver element " + found.get(0));
    }
    return Optional.of(id.asText());
  }

  void click(String css) throws Exception {
    command("POST", "/element/" + find(css).orElseThrow(() -> new AssertionError("no " + css))
        + "/click", JSON.createObjectNode());
  }

  /** Types keys into an element (as a keyboard user would, after focusing it). */
  void keys(String css, String text) throws Exception {
    command("POST", "/element/" + find(css).orElseThrow(() -> new AssertionError("no " + css))
        + "/value", JSON.createObjectNode().put("text", text));
  }

  /** Runs a script in the page and returns its result as JSON. */
  JsonNode script(String body) throws Exception {
    return command("POST", "/execute/sync", JSON.createObjectNode().put("script", body)
        .set("args", JSON.createArrayNode())).get("value");
  }

  String text(String css) throws Exception {
    return script("const e = document.querySelector(" + JSON.writeValueAsString(css)
        + "); return e ? e.textContent.trim() : null;").asText();
  }

  int count(String css) throws Exception {
    return script("return document.querySelectorAll(" + JSON.writeValueAsString(css)
        + ").length;").asInt();
  }

  void screenshot(Path file) throws Exception {
    String png = command("GET", "/screenshot", null).get("value").asText();
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(png));
  }

  private JsonNode command(String method, String path, JsonNode body) throws Exception {
    return call(method, "/session/" + session + path, body);
  }

  private JsonNode call(String method, String path, JsonNode body) throws IOException,
      InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = JSON.readTree(r.body());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("webdriver " + method + " " + path + ": "
          + json.at("/value/error").asText() + ": " + json.at("/value/message").asText());
    }
    return json;
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } catch (Exception ignored) {
      // the browser is going away anyway
    } finally {
      driver.destroy();
      try {
        if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          driver.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        driver.destroyForcibly();
      }
    }
  }
}
