package io.cohort.billing.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic event ids, as documented in {@code cohort/v1/events.proto}. */
public final class EventIds {

  private EventIds() {}

  /**
   * Id of the contribution event of one owner in one round: {@code "ctr-"} and the first 32 hex
   * digits of SHA-256("federation\nround\nowner").
   */
  public static String contribution(String federationId, int round, String ownerId) {
    return "ctr-" + sha256Hex(federationId + "\n" + round + "\n" + ownerId).substring(0, 32);
  }

  private static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
