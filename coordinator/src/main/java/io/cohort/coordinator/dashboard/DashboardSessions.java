package io.cohort.coordinator.dashboard;

import io.cohort.model.codec.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Bearer tokens that let a browser act as an operator on the dashboard, Jupyter-style: an
 * operator proves who it is over mutual TLS (CreateDashboardSession), gets a random token and
 * opens the dashboard with it. Only a SHA-256 of each token is kept, in memory, so neither a heap
 * dump nor a log reveals a usable token; sessions do not survive a restart (log in again).
 */
public final class DashboardSessions {

  /** A new session: the token (shown once) and who it acts as until when. */
  public record Session(String token, String actor, Instant expiresAt) {}

  private record Entry(String actor, Instant expiresAt) {}

  private static final int TOKEN_BYTES = 32;
  /** Bounds memory if something asks for sessions in a loop; expired ones are purged first. */
  static final int MAX_SESSIONS = 10_000;

  private final Duration ttl;
  private final Supplier<Instant> clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

  public DashboardSessions(Duration ttl) {
    this(ttl, Instant::now);
  }

  /** With a clock tests move by hand. */
  DashboardSessions(Duration ttl, Supplier<Instant> clock) {
    this.ttl = ttl;
    this.clock = clock;
  }


  /** Opens a session acting as {@code actor} (e.g. "operator:alice"). */
  public Session create(String actor) {
    purgeExpired();
    if (byHash.size() >= MAX_SESSIONS) {
      throw new IllegalStateException("too many open dashboard sessions (" + MAX_SESSIONS
          + "); wait for some to expire");
    }
    byte[] raw = new byte[TOKEN_BYTES];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant expiresAt = clock.get().plus(ttl);
    byHash.put(hash(token), new Entry(actor, expiresAt));
    return new Session(token, actor, expiresAt);
  }

  /** Why a token was refused, in words a person can act on. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * Who a token acts as.
   *
   * @throws Refused when the token is missing, unknown (e.g. from before a restart) or expired
   */
  public String authenticate(String token) throws Refused {
    if (token == null || token.isEmpty()) {
      throw new Refused("no dashboard token: sign in with `cohort dashboard-login`");
    }
    Entry e = byHash.get(hash(token));
    if (e == null) {
      throw new Refused("unknown dashboard token (sessions end when the coordinator restarts):"
          + " sign in again with `cohort dashboard-login`");
    }
    if (!clock.get().isBefore(e.expiresAt())) {
      throw new Refused("dashboard token expired at " + e.expiresAt()
          + ": sign in again with `cohort dashboard-login`");
    }
    return e.actor();
  }

  private void purgeExpired() {
    Instant now = clock.get();
    byHash.values().removeIf(e -> !now.isBefore(e.expiresAt()));
  }

  private static String hash(String token) {
    return Sha256.of(token.getBytes(StandardCharsets.UTF_8));
  }

}
