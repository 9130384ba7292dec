package io.cohort.coordinator.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.proto.v1.ApiKeyInfo;
import io.cohort.proto.v1.ApiPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Consumers' API keys, durable under {@code <data-dir>/keys/api-keys.jsonl}: one JSON line per
 * creation (key id, SHA-256 of the key, consumer, plan) or revocation, forced to disk before the
 * call returns. The secret key itself is never written anywhere. A torn last line (crash during
 * an append) is ignored on open. Thread-safe; {@link #authenticate} is a lock-free map lookup.
 */
public final class ApiKeyStore implements AutoCloseable {

  /** Allowed consumer ids: what billing accepts as an account name part. */
  public static final Pattern CONSUMER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileChannel file;
  /** key id -> info, in creation order. */
  private final Map<String, ApiKeyInfo> byId = new LinkedHashMap<>();
  /** SHA-256 of the key -> key id, active keys only. */
  private final Map<String, String> activeByHash = new ConcurrentHashMap<>();
  private final Map<String, String> hashById = new LinkedHashMap<>();

  public ApiKeyStore(Path dataDir) {
    Path path = dataDir.resolve("keys").resolve("api-keys.jsonl");
    try {
      Files.createDirectories(path.getParent());
      if (Files.exists(path)) {
        replay(Files.readAllLines(path, StandardCharsets.UTF_8));
      }
      file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the API key store " + path, e);
    }
  }

  /** Creates a key; the returned secret is the only copy. */
  public synchronized Created create(String consumerId, ApiPlan plan, boolean publicBenefit) {
    if (consumerId == null || !CONSUMER_ID.matcher(consumerId).matches()) {
      throw new IllegalArgumentException("consumer_id must be 1-64 of [A-Za-z0-9._-], got '"
          + consumerId + "'");
    }
    ApiKeyFormat.NewKey key = ApiKeyFormat.generate();
    ApiKeyInfo info = ApiKeyInfo.newBuilder().setKeyId(key.keyId()).setConsumerId(consumerId)
        .setPlan(plan == ApiPlan.API_PLAN_UNSPECIFIED ? ApiPlan.PAYG : plan)
        .setPublicBenefit(publicBenefit).setCreatedAtMs(System.currentTimeMillis()).build();
    String hash = ApiKeyFormat.hash(key.apiKey());
    ObjectNode line = JSON.createObjectNode().put("op", "create").put("key_id", info.getKeyId())
        .put("sha256", hash).put("consumer_id", consumerId).put("plan", info.getPlan().name())
        .put("public_benefit", publicBenefit).put("created_at_ms", info.getCreatedAtMs());
    append(line);
    apply(info, hash);
    return new Created(key.apiKey(), info);
  }

  /** A key and its stored record. */
  public record Created(String apiKey, ApiKeyInfo info) {}

  /** Revokes a key (idempotent); empty when no key has that id. */
  public synchronized Optional<ApiKeyInfo> revoke(String keyId) {
    ApiKeyInfo info = byId.get(keyId);
    if (info == null) {
      return Optional.empty();
    }
    if (info.getRevokedAtMs() != 0) {
      return Optional.of(info);
    }
    long now = System.currentTimeMillis();
    append(JSON.createObjectNode().put("op", "revoke").put("key_id", keyId)
        .put("revoked_at_ms", now));
    return Optional.of(applyRevoke(keyId, now));
  }

  /** The active key matching this secret, if any. */
  public Optional<ApiKeyInfo> authenticate(String apiKey) {
    if (ApiKeyFormat.keyId(apiKey).isEmpty()) {
      return Optional.empty();
    }
    String id = activeByHash.get(ApiKeyFormat.hash(apiKey));
    if (id == null) {
      return Optional.empty();
    }
    synchronized (this) {
      ApiKeyInfo info = byId.get(id);
      return info == null || info.getRevokedAtMs() != 0 ? Optional.empty() : Optional.of(info);
    }
  }

  /** Every key, oldest first. */
  public synchronized List<ApiKeyInfo> list() {
    return new ArrayList<>(byId.values());
  }

  @Override
  public synchronized void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the API key store", e);
    }
  }

  private void replay(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      JsonNode n;
      try {
        n = JSON.readTree(lines.get(i));
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          return; // torn last line: the append it belonged to never returned
        }
        throw new IllegalStateException("API key store line " + (i + 1) + " is damaged", e);
      }
      String keyId = n.path("key_id").asText();
      if (n.path("op").asText().equals("create")) {
        apply(ApiKeyInfo.newBuilder().setKeyId(keyId)
            .setConsumerId(n.path("consumer_id").asText())
            .setPlan(ApiPlan.valueOf(n.path("plan").asText()))
            .setPublicBenefit(n.path("public_benefit").asBoolean())
            .setCreatedAtMs(n.path("created_at_ms").asLong()).build(), n.path("sha256").asText());
      } else if (byId.containsKey(keyId)) {
        applyRevoke(keyId, n.path("revoked_at_ms").asLong());
      }
    }
  }

  private void apply(ApiKeyInfo info, String hash) {
    byId.put(info.getKeyId(), info);
    hashById.put(info.getKeyId(), hash);
    activeByHash.put(hash, info.getKeyId());
  }

  private ApiKeyInfo applyRevoke(String keyId, long at) {
    ApiKeyInfo revoked = byId.get(keyId).toBuilder().setRevokedAtMs(at).build();
    byId.put(keyId, revoked);
    activeByHash.remove(hashById.get(keyId));
    return revoked;
  }

  private void append(ObjectNode line) {
    try {
      ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n")
          .getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        file.write(bytes);
      }
      file.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the API key store", e);
    }
  }
}
