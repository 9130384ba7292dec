package io.cohort.coordinator.limits;

import io.grpc.Context;

/**
 * Who is calling, for per-identity limits. The hook for authenticated identities: an interceptor
 * that verifies the caller (for instance from its TLS client certificate) puts the identity in
 * {@link #KEY}; until then the node id the caller claims in its messages stands in.
 */
public final class CallerIdentity {

  /** The authenticated caller of the current gRPC call, when an interceptor set one. */
  public static final Context.Key<String> KEY = Context.key("cohort-caller-identity");

  private CallerIdentity() {}

  /** The authenticated identity of the current call, else {@code claimedNodeId}. */
  public static String current(String claimedNodeId) {
    String verified = KEY.get();
    return verified != null && !verified.isEmpty() ? verified : "claimed:" + claimedNodeId;
  }
}
