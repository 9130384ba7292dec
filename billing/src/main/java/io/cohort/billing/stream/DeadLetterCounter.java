package io.cohort.billing.stream;

import io.cohort.proto.v1.DeadLetterReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the topology read, charged and wrote, what it rejected, by reason, and the
 * duplicates it dropped. In-process
 * counters for metrics and logs: a record reprocessed after a crash may be counted twice (the
 * dead-letter topic itself is exactly-once).
 */
public final class DeadLetterCounter {

  private final Map<DeadLetterReason, LongAdder> rejected = new EnumMap<>(DeadLetterReason.class);
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong badGlobalRecords = new AtomicLong();
  private final LongAdder read = new LongAdder();
  private final LongAdder charged = new LongAdder();
  private final LongAdder chargesWritten = new LongAdder();

  public DeadLetterCounter() {
    for (DeadLetterReason r : DeadLetterReason.values()) {
      if (r != DeadLetterReason.UNRECOGNIZED) {
        rejected.put(r, new LongAdder());
      }
    }
  }

  void reject(DeadLetterReason reason) {
    rejected.get(reason).increment();
  }

  void countRead() {
    read.increment();
  }

  void charged(int ledgerRecords) {
    charged.increment();
    chargesWritten.add(ledgerRecords);
  }

  /** Usage records read from the usage topic (charged, rejected or duplicate). */
  public long read() {
    return read.sum();
  }

  /** Usage events priced (each once, unless reprocessed after a crash). */
  public long charged() {
    return charged.sum();
  }

  /** Ledger records (charges) written for them. */
  public long chargesWritten() {
    return chargesWritten.sum();
  }

  void duplicate() {
    duplicates.incrementAndGet();
  }

  void badGlobalRecord() {
    badGlobalRecords.incrementAndGet();
  }

  /** Events sent to the dead-letter topic for this reason. */
  public long rejected(DeadLetterReason reason) {
    return rejected.get(reason).sum();
  }

  /** Events sent to the dead-letter topic, all reasons. */
  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Re-sent usage events dropped because their id was already charged. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Model-version or consumer-account records that were malformed or invalid (not loaded). */
  public long badGlobalRecords() {
    return badGlobalRecords.get();
  }
}
