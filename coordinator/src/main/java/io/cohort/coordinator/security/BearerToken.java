package io.cohort.coordinator.security;

/** Reads the credential of an {@code Authorization: Bearer <token>} header (gRPC or HTTP). */
public final class BearerToken {

  private static final String SCHEME = "Bearer ";

  private BearerToken() {
  }

  /**
   * The token of an {@code Authorization} header value in the Bearer scheme (scheme matched
   * case-insensitively, surrounding blanks ignored); null for a missing header or another scheme.
   */
  public static String from(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.strip();
    return value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        ? value.substring(SCHEME.length()).strip() : null;
  }

  /** The header value that carries {@code token}. */
  public static String header(String token) {
    return SCHEME + token;
  }
}
