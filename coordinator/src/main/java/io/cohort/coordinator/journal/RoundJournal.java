package io.cohort.coordinator.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cohort.proto.v1.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only journal of federation events, one JSON {@link JournalEntry} per line. Every append
 * is fsynced before it returns: entries are written only at round boundaries and state changes,
 * so durability costs one fsync per round. A line torn by a crash (no trailing newline) is
 * dropped on open: the event it described never happened as far as the coordinator is concerned.
 */
public final class RoundJournal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RoundJournal.class);

  private final Path file;
  private final FileChannel channel;
  private final List<JournalEntry> replayed;

  public RoundJournal(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.getParent());
      this.replayed = readAndRepair(file);
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open journal " + file, e);
    }
  }

  /** Entries found when the journal was opened, in order. */
  public List<JournalEntry> replayed() {
    return replayed;
  }

  public synchronized void append(JournalEntry entry) {
    try {
      String line = JsonFormat.printer().omittingInsignificantWhitespace().print(entry) + "\n";
      ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to journal " + file, e);
    }
  }

  private static List<JournalEntry> readAndRepair(Path file) throws IOException {
    List<JournalEntry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return entries;
    }
    byte[] bytes = Files.readAllBytes(file);
    int complete = bytes.length;
    while (complete > 0 && bytes[complete - 1] != '\n') {
      complete--;
    }
    if (complete < bytes.length) {
      log.warn("journal {} ends with a torn entry of {} bytes; dropping it", file,
          bytes.length - complete);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(complete);
        ch.force(true);
      }
    }
    String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JournalEntry.Builder b = JournalEntry.newBuilder();
      try {
        JsonFormat.parser().ignoringUnknownFields().merge(line, b);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("journal " + file + " line " + lineNo
            + " is not a journal entry: " + e.getMessage(), e);
      }
      entries.add(b.build());
    }
    return entries;
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
