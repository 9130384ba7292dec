package io.cohort.coordinator.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import io.cohort.proto.v1.ListModelsRequest;
import io.cohort.proto.v1.PredictRequest;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference API as JSON over HTTP, with the gRPC API's semantics: {@code POST /v1/predict}
 * (body {@code {"federation_id": .., "model_version": .., "records": [{"age": 63, ..}]}}),
 * {@code GET /v1/models}, {@code GET /v1/usage}. The key comes in {@code Authorization: Bearer}
 * or {@code X-API-Key}. Errors are {@code {"error": {"code": .., "message": ..}}} with 400, 401,
 * 404, 409 or 429 (and {@code Retry-After}); answers are the proto messages in JSON with
 * proto field names.
 */
public final class InferenceHttp implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(InferenceHttp.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 8 << 20;
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  private final InferenceEngine engine;

  public InferenceHttp(InferenceEngine engine) {
    this.engine = engine;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      String key = ApiKeyMetadata.fromHeaders(ex.getRequestHeaders().getFirst("Authorization"),
          ex.getRequestHeaders().getFirst("X-API-Key"));
      try {
        if (path.equals("/v1/predict") && method.equals("POST")) {
          send(ex, 200, PRINTER.print(engine.predict(key, predictRequest(ex))));
        } else if (path.equals("/v1/models") && method.equals("GET")) {
          String fed = queryParam(ex, "federation_id");
          send(ex, 200, PRINTER.print(engine.listModels(key,
              ListModelsRequest.newBuilder().setFederationId(fed).build())));
        } else if (path.equals("/v1/usage") && method.equals("GET")) {
          send(ex, 200, PRINTER.print(engine.usage(key)));
        } else if (path.equals("/v1/predict") || path.equals("/v1/models")
            || path.equals("/v1/usage")) {
          ex.getResponseHeaders().set("Allow", path.equals("/v1/predict") ? "POST" : "GET");
          error(ex, 405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path);
        } else {
          error(ex, 404, "NOT_FOUND", "no endpoint " + path
              + " (POST /v1/predict, GET /v1/models, GET /v1/usage)");
        }
      } catch (InferenceException e) {
        if (e.retryAfterSeconds() > 0) {
          ex.getResponseHeaders().set("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        error(ex, e.httpStatus(), e.code().name(), e.getMessage());
      } catch (RuntimeException e) {
        log.warn("inference http {} {} failed", method, path, e);
        error(ex, 500, "INTERNAL", "internal error");
      }
    }
  }

  /** Parses the JSON body; malformed JSON or shapes are INVALID_ARGUMENT naming the field. */
  public static PredictRequest predictRequest(InputStream body) throws IOException, InferenceException {
    byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new InferenceException(Status.Code.INVALID_ARGUMENT, "batch_limit",
          "body: larger than the limit of " + MAX_BODY_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw InferenceException.invalid("body: not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw InferenceException.invalid("body: must be a JSON object with \"records\"");
    }
    PredictRequest.Builder out = PredictRequest.newBuilder()
        .setFederationId(text(root, "federation_id"))
        .setModelVersion(text(root, "model_version"));
    JsonNode records = root.path("records");
    if (!records.isArray()) {
      throw InferenceException.invalid("records: must be an array of objects");
    }
    for (int i = 0; i < records.size(); i++) {
      out.addRecords(record(i, records.get(i)));
    }
    return out.build();
  }

  private static PredictRequest predictRequest(HttpExchange ex)
      throws IOException, InferenceException {
    return predictRequest(ex.getRequestBody());
  }

  private static FeatureRecord record(int i, JsonNode node) throws InferenceException {
    if (!node.isObject()) {
      throw InferenceException.invalid("records[" + i + "]: must be an object of features");
    }
    FeatureRecord.Builder r = FeatureRecord.newBuilder();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode v = f.getValue();
      if (v.isNumber()) {
        r.putFeatures(f.getKey(), FeatureValue.newBuilder().setNumber(v.doubleValue()).build());
      } else if (v.isTextual()) {
        r.putFeatures(f.getKey(), FeatureValue.newBuilder().setCategory(v.textValue()).build());
      } else {
        throw InferenceException.invalid("records[" + i + "].features[\"" + f.getKey()
            + "\"]: must be a number or a category string, got " + v.getNodeType());
      }
    }
    return r.build();
  }

  private static String text(JsonNode root, String field) throws InferenceException {
    JsonNode v = root.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw InferenceException.invalid(field + ": must be a string");
    }
    return v.textValue();
  }

  private static String queryParam(HttpExchange ex, String name) {
    String q = ex.getRequestURI().getQuery();
    if (q == null) {
      return "";
    }
    for (String part : q.split("&")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static void error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    send(ex, status, JSON.writeValueAsString(body));
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }
}
