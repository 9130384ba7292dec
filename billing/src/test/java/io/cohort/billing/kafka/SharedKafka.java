package io.cohort.billing.kafka;

/**
 * One broker for all integration tests of a test JVM, started on first use and stopped when the
 * JVM exits. Tests that stop or restart a broker start their own.
 */
public final class SharedKafka {

  private static EmbeddedKafka kafka;

  private SharedKafka() {}

  public static synchronized EmbeddedKafka get() {
    if (kafka == null) {
      kafka = EmbeddedKafka.start(3);
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "shared-kafka-shutdown"));
    }
    return kafka;
  }
}
