package io.cohort.billing.stream;

import io.cohort.billing.pricing.SubscriptionUsage;
import io.cohort.billing.pricing.UsageCounters;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Usage counters in the pricing stores, keyed {@code "<period>|<consumer>|<federation>/<version>"}
 * and {@code "<period>|<consumer>"} (period first, so a key names its period). Writes are held
 * until {@link #commit()}, so a charge that fails to post leaves the stores unchanged.
 */
final class StoreCounters implements UsageCounters {

  private final KeyValueStore<String, Long> charged;
  private final KeyValueStore<String, SubscriptionUsage> subscriptions;
  private final Map<String, Long> pendingCharged = new HashMap<>();
  private final Map<String, SubscriptionUsage> pendingSubscriptions = new HashMap<>();

  StoreCounters(KeyValueStore<String, Long> charged,
      KeyValueStore<String, SubscriptionUsage> subscriptions) {
    this.charged = charged;
    this.subscriptions = subscriptions;
  }

  static String periodOf(String key) {
    return key.substring(0, key.indexOf('|'));
  }

  static String consumerOfSubscriptionKey(String key) {
    return key.substring(key.indexOf('|') + 1);
  }

  @Override
  public long chargedPredictions(String consumerId, String periodId, String versionKey) {
    String key = periodId + "|" + consumerId + "|" + versionKey;
    Long pending = pendingCharged.get(key);
    Long stored = pending != null ? pending : charged.get(key);
    return stored == null ? 0 : stored;
  }

  @Override
  public void putChargedPredictions(String consumerId, String periodId, String versionKey,
      long count) {
    pendingCharged.put(periodId + "|" + consumerId + "|" + versionKey, count);
  }

  @Override
  public SubscriptionUsage subscription(String consumerId, String periodId) {
    String key = periodId + "|" + consumerId;
    SubscriptionUsage pending = pendingSubscriptions.get(key);
    return pending != null ? pending : subscriptions.get(key);
  }

  @Override
  public void putSubscription(String consumerId, String periodId, SubscriptionUsage usage) {
    pendingSubscriptions.put(periodId + "|" + consumerId, usage);
  }

  void commit() {
    pendingCharged.forEach(charged::put);
    pendingSubscriptions.forEach(subscriptions::put);
    rollback();
  }

  void rollback() {
    pendingCharged.clear();
    pendingSubscriptions.clear();
  }
}
