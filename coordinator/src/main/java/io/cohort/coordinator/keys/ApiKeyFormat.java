package io.cohort.coordinator.keys;

import io.cohort.model.codec.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of an API key, {@code ck_<key id>_<secret>}: a public 12-hex-digit id (shown in
 * listings and logs) and 32 random bytes in URL-safe base64. Only the SHA-256 of the whole key
 * is ever stored.
 */
public final class ApiKeyFormat {

  private static final Pattern KEY = Pattern.compile("ck_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeyFormat() {}

  /** A new key id and secret key. */
  public record NewKey(String keyId, String apiKey) {}

  public static NewKey generate() {
    byte[] id = new byte[6];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String keyId = HexFormat.of().formatHex(id);
    return new NewKey(keyId, "ck_" + keyId + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The key id of a well-formed key, empty for anything else. */
  public static Optional<String> keyId(String apiKey) {
    Matcher m = KEY.matcher(apiKey == null ? "" : apiKey);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Lowercase hex SHA-256 of the key's UTF-8 bytes: what the key store keeps. */
  public static String hash(String apiKey) {
    return Sha256.of(apiKey.getBytes(StandardCharsets.UTF_8));
  }
}
