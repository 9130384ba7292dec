package io.cohort.coordinator.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cohort.proto.v1.AuditEvent;
import io.cohort.proto.v1.AuditOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only audit log: operator actions and security-relevant events, one JSON
 * {@link AuditEvent} per line in {@code <data-dir>/audit.log}, each fsynced before the action's
 * caller gets its answer. Events are never rewritten; a line torn by a crash is dropped on open.
 * The newest {@value #KEPT_IN_MEMORY} events are kept in memory for queries.
 */
public final class AuditLog implements AutoCloseable {

  /** The actor of operator calls without a certificate (dashboard, plaintext coordinators). */
  public static final String OPERATOR = "operator";
  public static final int KEPT_IN_MEMORY = 10_000;
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1_000;

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  private final Path file;
  private final FileChannel channel;
  private final Deque<AuditEvent> recent = new ArrayDeque<>();
  private final List<Consumer<AuditEvent>> subscribers = new CopyOnWriteArrayList<>();
  private long lastSequence;

  /** Opens (or creates) the log in a file, restoring its sequence numbers. */
  public AuditLog(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      dropTornTail(file);
      readTail(file);
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open audit log " + file, e);
    }
  }

  private AuditLog() {
    this.file = null;
    this.channel = null;
  }

  /** A log that keeps events in memory only (tools and tests without a data directory). */
  public static AuditLog inMemory() {
    return new AuditLog();
  }

  /** Builds an event: who, what, about which federation, from where. */
  public static AuditEvent.Builder event(String actor, String action, String federationId,
      String peer) {
    return AuditEvent.newBuilder().setActor(actor).setAction(action)
        .setFederationId(federationId == null ? "" : federationId)
        .setPeer(peer == null ? "" : peer);
  }

  /** Appends an event (durably when file-backed), giving it its sequence number and time. */
  public AuditEvent record(AuditEvent.Builder partial) {
    AuditEvent event;
    synchronized (this) {
      event = partial.setSequence(lastSequence + 1).setAtMs(System.currentTimeMillis()).build();
      if (channel != null) {
        write(event);
      }
      lastSequence = event.getSequence();
      remember(event);
    }
    log.info("audit seq={} actor={} action={} federation={} target={} peer=\"{}\" outcome={}{}",
        event.getSequence(), event.getActor(), event.getAction(), event.getFederationId(),
        event.getTarget(), event.getPeer(), event.getOutcome(),
        event.getDetail().isEmpty() ? "" : " detail=\"" + event.getDetail() + "\"");
    for (Consumer<AuditEvent> s : subscribers) {
      s.accept(event);
    }
    return event;
  }

  public AuditEvent allowed(AuditEvent.Builder partial) {
    return record(partial.setOutcome(AuditOutcome.AUDIT_ALLOWED));
  }

  public AuditEvent refused(AuditEvent.Builder partial, String detail) {
    return record(partial.setOutcome(AuditOutcome.AUDIT_REFUSED).setDetail(detail));
  }

  /**
   * The newest {@code limit} events matching the filter, oldest first.
   *
   * @param federationId only this federation's events; empty or null for all
   * @param limit 0 for {@value #DEFAULT_LIMIT}; capped at {@value #MAX_LIMIT}
   * @param afterSequence only events after this sequence number
   */
  public synchronized List<AuditEvent> list(String federationId, int limit, long afterSequence) {
    int n = limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
    List<AuditEvent> out = new ArrayList<>();
    var it = recent.descendingIterator();
    while (it.hasNext() && out.size() < n) {
      AuditEvent e = it.next();
      if (e.getSequence() <= afterSequence) {
        break;
      }
      if (federationId == null || federationId.isEmpty()
          || federationId.equals(e.getFederationId())) {
        out.add(e);
      }
    }
    java.util.Collections.reverse(out);
    return out;
  }

  /** Calls {@code subscriber} with every event recorded from now on (live dashboards). */
  public void subscribe(Consumer<AuditEvent> subscriber) {
    subscribers.add(subscriber);
  }

  private void remember(AuditEvent event) {
    recent.addLast(event);
    if (recent.size() > KEPT_IN_MEMORY) {
      recent.removeFirst();
    }
  }

  private void write(AuditEvent event) {
    try {
      String line = JsonFormat.printer().omittingInsignificantWhitespace().print(event) + "\n";
      ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to audit log " + file, e);
    }
  }

  private static void dropTornTail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long end = raf.length();
      long complete = end;
      while (complete > 0) {
        raf.seek(complete - 1);
        if (raf.read() == '\n') {
          break;
        }
        complete--;
      }
      if (complete < end) {
        log.warn("audit log {} ends with a torn event of {} bytes; dropping it", file,
            end - complete);
        raf.setLength(complete);
        raf.getFD().sync();
      }
    }
  }

  private void readTail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        AuditEvent.Builder b = AuditEvent.newBuilder();
        try {
          JsonFormat.parser().ignoringUnknownFields().merge(line, b);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("audit log " + file + " line " + lineNo
              + " is not an audit event: " + e.getMessage(), e);
        }
        AuditEvent event = b.build();
        lastSequence = Math.max(lastSequence, event.getSequence());
        remember(event);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
