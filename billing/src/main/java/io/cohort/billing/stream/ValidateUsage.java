package io.cohort.billing.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.billing.pricing.ContributionShares;
import io.cohort.billing.pricing.UsagePricer;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.DeadLetterReason;
import io.cohort.proto.v1.ModelVersionEvent;
import io.cohort.proto.v1.UsageEvent;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code validate-usage}: checks a usage event's fields and looks up its consumer account and
 * model version in the global tables. Anything wrong goes to the dead-letter topic with the
 * reason; valid events go on with their version and account.
 */
final class ValidateUsage extends UsageStep<UsageEvent> {

  private static final int CACHED_ENTRIES = 100_000;

  private final ParsedCache<ModelVersionEvent> parsedVersions =
      new ParsedCache<>(ValidateUsage::parseVersion, CACHED_ENTRIES);
  private final ParsedCache<ConsumerAccountEvent> parsedAccounts =
      new ParsedCache<>(ValidateUsage::parseAccount, CACHED_ENTRIES);
  private KeyValueStore<String, byte[]> versions;
  private KeyValueStore<String, byte[]> accounts;

  ValidateUsage(BillingSettings settings, DeadLetterCounter counter) {
    super(settings, counter);
  }

  @Override
  void open() {
    this.versions = context.getStateStore(BillingTopology.MODEL_VERSIONS_STORE);
    this.accounts = context.getStateStore(BillingTopology.CONSUMER_ACCOUNTS_STORE);
  }

  @Override
  public void process(Record<String, UsageEvent> record) {
    UsageEvent usage = record.value();
    Optional<String> invalid = fieldProblem(record.key(), usage);
    if (invalid.isPresent()) {
      reject(record, DeadLetterReason.INVALID, invalid.get());
      return;
    }
    if (usage.getTimeMs() > context.currentSystemTimeMs() + settings.maxFutureSkew().toMillis()) {
      reject(record, DeadLetterReason.EXPIRED, "time_ms " + usage.getTimeMs()
          + " is more than " + settings.maxFutureSkew() + " ahead of the billing clock");
      return;
    }
    ConsumerAccountEvent account = parsedAccounts.get(usage.getConsumerId(),
        accounts.get(usage.getConsumerId()));
    if (account == null) {
      reject(record, DeadLetterReason.UNKNOWN_CONSUMER,
          "no consumer account '" + usage.getConsumerId() + "'");
      return;
    }
    String versionKey = UsagePricer.versionKey(usage.getFederationId(), usage.getModelVersion());
    ModelVersionEvent version = parsedVersions.get(versionKey, versions.get(versionKey));
    if (version == null || !UsagePricer.versionKey(version).equals(versionKey)) {
      reject(record, DeadLetterReason.UNKNOWN_MODEL_VERSION,
          "no valid published model version '" + versionKey + "'");
      return;
    }
    if (!version.getCurrency().equals(settings.currency())) {
      reject(record, DeadLetterReason.CURRENCY_MISMATCH, "version " + versionKey + " is priced in "
          + version.getCurrency() + ", billing runs in " + settings.currency());
      return;
    }
    context.forward(record.withValue(new ValidUsage(usage, version, account)),
        BillingTopology.DEDUP_USAGE);
  }

  private void reject(Record<String, UsageEvent> record, DeadLetterReason reason, String detail) {
    deadLetters.send(record, record.value().toByteArray(), record.value().getEventId(), reason,
        detail);
  }

  static Optional<String> fieldProblem(String key, UsageEvent usage) {
    if (usage.getEventId().isEmpty()) {
      return Optional.of("event_id is empty");
    }
    if (usage.getConsumerId().isEmpty()) {
      return Optional.of("consumer_id is empty");
    }
    if (!usage.getConsumerId().equals(key)) {
      return Optional.of("record key '" + key + "' is not the consumer id '"
          + usage.getConsumerId() + "'");
    }
    if (usage.getFederationId().isEmpty() || usage.getModelVersion().isEmpty()) {
      return Optional.of("federation_id and model_version are required");
    }
    if (usage.getPredictions() <= 0) {
      return Optional.of("predictions must be positive, got " + usage.getPredictions());
    }
    if (usage.getTimeMs() <= 0) {
      return Optional.of("time_ms must be positive, got " + usage.getTimeMs());
    }
    return Optional.empty();
  }

  /** The version, or null when absent or not valid for pricing. */
  static ModelVersionEvent parseVersion(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      ModelVersionEvent v = ModelVersionEvent.parseFrom(bytes);
      boolean valid = v.getPriceMicrosPer1000() >= 0 && !v.getCurrency().isEmpty()
          && ContributionShares.problem(v.getContributionSharesList()).isEmpty();
      return valid ? v : null;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** The account, or null when absent or not valid. */
  static ConsumerAccountEvent parseAccount(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      ConsumerAccountEvent a = ConsumerAccountEvent.parseFrom(bytes);
      boolean valid = a.getSubscriptionFeeMicros() >= 0 && a.getIncludedPredictions() >= 0;
      return valid ? a : null;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
