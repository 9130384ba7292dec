package io.cohort.billing.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Cohort's Kafka topics: names, keys and how they are created. Values are the protobuf messages
 * of {@code cohort/v1/events.proto}; keys are UTF-8 strings.
 */
public final class CohortTopics {

  /** ContributionEvent, key owner id. */
  public static final String CONTRIBUTIONS = "cohort.contributions.v1";
  /** ModelVersionEvent, key "federation/version", compacted. */
  public static final String MODEL_VERSIONS = "cohort.model-versions.v1";
  /** UsageEvent, key consumer id. */
  public static final String USAGE = "cohort.usage.v1";
  /** ConsumerAccountEvent, key consumer id, compacted. */
  public static final String CONSUMERS = "cohort.consumers.v1";
  /** LedgerCharge (one record per balanced charge), key consumer id. */
  public static final String LEDGER = "cohort.ledger.v2";
  /** DeadLetter, key the rejected record's key. */
  public static final String DEAD_LETTER = "cohort.billing.dead-letter.v1";

  private CohortTopics() {}

  /** Every topic with its settings, for a cluster with {@code replication} replicas. */
  public static List<NewTopic> all(int partitions, short replication) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : List.of(CONTRIBUTIONS, USAGE, LEDGER, DEAD_LETTER)) {
      topics.add(new NewTopic(name, partitions, replication));
    }
    for (String name : List.of(MODEL_VERSIONS, CONSUMERS)) {
      topics.add(new NewTopic(name, partitions, replication).configs(
          Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }
    return topics;
  }

  /**
   * Creates the topics that do not exist yet (existing ones are left as they are).
   *
   * @throws IllegalStateException when the cluster cannot be reached in {@code timeoutMs}
   */
  public static void ensure(String bootstrapServers, int partitions, short replication,
      long timeoutMs) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 30_000));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
      List<NewTopic> missing = all(partitions, replication).stream()
          .filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create Cohort topics on " + bootstrapServers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topics", e);
    }
  }
}
