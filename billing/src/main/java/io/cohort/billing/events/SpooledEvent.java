package io.cohort.billing.events;

/** An event written to the spool and not yet acknowledged by Kafka. */
record SpooledEvent(long seq, String topic, String key, byte[] value) {}
