package io.cohort.billing.stream;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Parsed values of a global store, kept per key and reused while the stored bytes are unchanged
 * (compared by content), so a usage event does not decode and check its version and account
 * again. Bounded: cleared when it holds {@code maxEntries}. One per processor instance (one
 * stream thread), not thread-safe.
 */
final class ParsedCache<T> {

  private record Parsed<T>(byte[] bytes, T value) {}

  private final Function<byte[], T> parser;
  private final int maxEntries;
  private final Map<String, Parsed<T>> byKey = new HashMap<>();

  ParsedCache(Function<byte[], T> parser, int maxEntries) {
    this.parser = parser;
    this.maxEntries = maxEntries;
  }

  /** {@code parser.apply(bytes)}, from the cache when {@code bytes} equal the cached ones. */
  T get(String key, byte[] bytes) {
    if (bytes == null) {
      byKey.remove(key);
      return null;
    }
    Parsed<T> cached = byKey.get(key);
    if (cached != null && Arrays.equals(cached.bytes(), bytes)) {
      return cached.value();
    }
    T value = parser.apply(bytes);
    if (byKey.size() >= maxEntries) {
      byKey.clear();
    }
    byKey.put(key, new Parsed<>(bytes, value));
    return value;
  }
}
