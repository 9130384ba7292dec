package io.cohort.billing.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cohort.billing.audit.LedgerAudit;
import io.cohort.billing.events.CohortTopics;
import io.cohort.billing.ledger.LedgerReader;
import io.cohort.billing.ledger.LedgerSnapshot;
import io.cohort.billing.stream.BillingService;
import io.cohort.billing.stream.BillingSettings;
import io.cohort.proto.v1.LedgerCharge;
import io.cohort.proto.v1.LedgerEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The whole billing topology ({@link BillingService}, its production Streams settings): parse,
 * validate against the global tables, deduplicate, price, post; output is the ledger topic.
 * Done when the ledger holds as many charges as the reference; exact when every balance equals
 * the reference's and the audit finds nothing.
 */
final class BillingPipeline implements BenchPipeline {

  private final BillingSettings settings;

  BillingPipeline(BillingSettings settings) {
    this.settings = settings;
  }

  @Override
  public String label() {
    return "billing topology";
  }

  @Override
  public String outputTopic() {
    return CohortTopics.LEDGER;
  }

  @Override
  public App start(String bootstrap, Path stateDir, String applicationId)
      throws Exception {
    BillingService service = BillingService.start(bootstrap, settings, stateDir, applicationId);
    if (!service.awaitRunning(Duration.ofSeconds(60))) {
      service.close();
      throw new IllegalStateException("billing did not reach RUNNING: " + service.state());
    }
    return new App(service.streams(), service);
  }

  @Override
  public Tally tally() {
    return new LedgerTally();
  }

  /** Counts charges; while measuring, the first charge of each event gives its latency. */
  private static final class LedgerTally implements Tally {
    private long charges;
    private volatile long measureFrom = Long.MAX_VALUE;
    private final Set<String> measured = new HashSet<>();
    private final Latencies latencies = new Latencies();

    @Override
    public void accept(ConsumerRecord<byte[], byte[]> record, long receivedMs) {
      charges++;
      if (record.timestamp() < measureFrom) {
        return;
      }
      try {
        if (measured.add(LedgerCharge.parseFrom(record.value()).getSourceEventId())) {
          latencies.add(receivedMs - record.timestamp());
        }
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("unreadable ledger charge at " + record.offset(), e);
      }
    }

    @Override
    public BooleanSupplier reached(BillingReference reference) {
      long expected = reference.charges();
      return () -> charges >= expected;
    }

    @Override
    public void measureFrom(long timeMs) {
      measureFrom = timeMs;
    }

    @Override
    public Latencies latencies() {
      return latencies;
    }

    @Override
    public List<String> verify(String bootstrap, BillingReference reference) {
      LedgerSnapshot ledger = LedgerReader.readAll(bootstrap, Duration.ofMinutes(2));
      List<String> problems = new ArrayList<>(LedgerAudit.check(ledger));
      if (ledger.entries().size() != reference.entries()) {
        problems.add("ledger has " + ledger.entries().size() + " entries, reference "
            + reference.entries());
      }
      Map<String, Long> balances = new TreeMap<>();
      for (LedgerEntry e : ledger.entries()) {
        balances.merge(e.getAccount(), e.getAmountMicros(), Long::sum);
      }
      BareSumPipeline.compare("balance", balances, reference.balances(), problems);
      return problems;
    }
  }
}
