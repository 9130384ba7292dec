package io.cohort.billing.events;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A durable local log of events not yet acknowledged by Kafka.
 *
 * <p>{@code spool.log} holds framed records {@code [length][crc32][seq][topic][key][value]},
 * each forced to disk before {@link #append} returns; {@code acked.log} holds the sequence
 * numbers Kafka acknowledged (not forced: losing an ack only re-sends an event, which consumers
 * deduplicate by event id). A torn record at the tail (a crash mid-write) is ignored. When
 * nothing is pending both files are emptied, acks first, so a crash in between re-sends rather
 * than loses.
 */
final class EventSpool implements AutoCloseable {

  private static final String SPOOL = "spool.log";
  private static final String ACKED = "acked.log";

  private final Path dir;
  private FileChannel spool;
  private FileChannel acked;
  private long nextSeq;
  private final List<SpooledEvent> recovered;

  private EventSpool(Path dir, List<SpooledEvent> recovered, long nextSeq) throws IOException {
    this.dir = dir;
    this.recovered = recovered;
    this.nextSeq = nextSeq;
    this.spool = FileChannel.open(dir.resolve(SPOOL), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    this.acked = FileChannel.open(dir.resolve(ACKED), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Opens the spool in {@code dir}, keeping only the events not acknowledged before. */
  static EventSpool open(Path dir) {
    try {
      Files.createDirectories(dir);
      Set<Long> acks = readAcks(dir.resolve(ACKED));
      List<SpooledEvent> pending = new ArrayList<>();
      long maxSeq = -1;
      for (SpooledEvent e : readSpool(dir.resolve(SPOOL))) {
        maxSeq = Math.max(maxSeq, e.seq());
        if (!acks.contains(e.seq())) {
          pending.add(e);
        }
      }
      rewrite(dir, pending);
      return new EventSpool(dir, pending, maxSeq + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open event spool " + dir, e);
    }
  }

  /** Events spooled by an earlier run and never acknowledged, oldest first. */
  List<SpooledEvent> recovered() {
    return recovered;
  }

  /** Appends an event and forces it to disk. */
  synchronized SpooledEvent append(String topic, String key, byte[] value) {
    SpooledEvent event = new SpooledEvent(nextSeq++, topic, key, value);
    try {
      writeFully(spool, frame(event));
      spool.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write event spool " + dir, e);
    }
    return event;
  }

  /** Records that Kafka acknowledged an event. */
  synchronized void ack(long seq) {
    try {
      writeFully(acked, ByteBuffer.allocate(8).putLong(0, seq));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write event spool acks " + dir, e);
    }
  }

  /** Empties both files; call only when no event is pending. */
  synchronized void truncate() {
    try {
      acked.truncate(0);
      acked.force(false);
      spool.truncate(0);
      spool.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot truncate event spool " + dir, e);
    }
  }

  synchronized long sizeBytes() {
    try {
      return spool.size();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public synchronized void close() {
    try {
      spool.close();
      acked.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void rewrite(Path dir, List<SpooledEvent> pending) throws IOException {
    Path tmp = dir.resolve(SPOOL + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (SpooledEvent e : pending) {
        writeFully(out, frame(e));
      }
      out.force(true);
    }
    try (FileChannel acks = FileChannel.open(dir.resolve(ACKED), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      acks.truncate(0);
      acks.force(true);
    }
    Files.move(tmp, dir.resolve(SPOOL), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static ByteBuffer frame(SpooledEvent e) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 + e.value().length);
    DataOutputStream out = new DataOutputStream(body);
    out.writeLong(e.seq());
    out.writeUTF(e.topic());
    out.writeBoolean(e.key() != null);
    if (e.key() != null) {
      out.writeUTF(e.key());
    }
    out.writeInt(e.value().length);
    out.write(e.value());
    out.flush();
    byte[] bytes = body.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(bytes);
    ByteBuffer framed = ByteBuffer.allocate(8 + bytes.length);
    framed.putInt(bytes.length).putInt((int) crc.getValue()).put(bytes).flip();
    return framed;
  }

  private static List<SpooledEvent> readSpool(Path file) throws IOException {
    List<SpooledEvent> events = new ArrayList<>();
    if (!Files.exists(file)) {
      return events;
    }
    try (DataInputStream in = new DataInputStream(
        new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      while (true) {
        int length;
        int crcValue;
        byte[] body;
        try {
          length = in.readInt();
          crcValue = in.readInt();
          if (length < 0 || length > 64 * 1024 * 1024) {
            break;
          }
          body = in.readNBytes(length);
        } catch (EOFException torn) {
          break;
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        if (body.length != length || (int) crc.getValue() != crcValue) {
          break;
        }
        DataInputStream record = new DataInputStream(new java.io.ByteArrayInputStream(body));
        long seq = record.readLong();
        String topic = record.readUTF();
        String key = record.readBoolean() ? record.readUTF() : null;
        byte[] value = record.readNBytes(record.readInt());
        events.add(new SpooledEvent(seq, topic, key, value));
      }
    }
    return events;
  }

  private static Set<Long> readAcks(Path file) throws IOException {
    Set<Long> acks = new HashSet<>();
    if (!Files.exists(file)) {
      return acks;
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
    while (bytes.remaining() >= 8) {
      acks.add(bytes.getLong());
    }
    return acks;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
