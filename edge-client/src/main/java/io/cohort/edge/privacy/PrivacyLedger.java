package io.cohort.edge.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The node's privacy ledger: one JSON line per round of DP-SGD training ({@link LedgerEntry}), on
 * the node's own disk, never reset from outside. Each line ends with a CRC-32C of the rest of the
 * line, and each append is fsynced before the round's update may leave the node, so the ledger
 * never records less than was spent.
 *
 * <p>A line that does not parse, fails its checksum, holds out-of-range values, or is cut short (no
 * final newline) makes the whole ledger unreadable: {@link #read} throws
 * {@link CorruptedException}, and the node refuses to train until an operator repairs the file. It
 * never silently starts again from zero.
 *
 * <p>Line format: {@code {"round":3,"task":"...","q":0.05,"sigma":1.1,"steps":40,
 * "epsilon":0.71,"delta":1e-05,"expected_batch":16,"clip_norm":1.0,"time_ms":...,
 * "crc32c":"89abcdef"}}, the checksum over the UTF-8 bytes of the line up to (not including)
 * {@code ,"crc32c"} followed by {@code }}.
 */
public final class PrivacyLedger {

  static final String CHECKSUM_FIELD = ",\"crc32c\":\"";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public PrivacyLedger(Path file) {
    this.file = file.toAbsolutePath();
  }

  public Path file() {
    return file;
  }

  /** The ledger cannot be trusted: the node must not train until an operator repairs it. */
  public static final class CorruptedException extends RuntimeException {
    CorruptedException(String message) {
      super(message);
    }
  }

  /**
   * Every entry, oldest first; none when the file does not exist yet.
   *
   * @throws CorruptedException if any line is damaged
   * @throws UncheckedIOException if the file cannot be read
   */
  public List<LedgerEntry> read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the privacy ledger " + file, e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<LedgerEntry> entries = new ArrayList<>();
    if (text.isEmpty()) {
      return entries;
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      entries.add(parse(lines[i], i + 1));
    }
    if (!lines[lines.length - 1].isEmpty()) {
      throw corrupted(lines.length, "the line is cut short (no final newline): the node probably"
          + " stopped while writing it, before that round's update was sent");
    }
    return entries;
  }

  /**
   * Appends an entry and forces it to disk (and, for a new file, its directory entry).
   *
   * @throws UncheckedIOException if it cannot be written; the caller must then not release the
   *     round's update
   */
  public void append(LedgerEntry entry) {
    byte[] line = (format(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      boolean created = !Files.exists(file);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (created) {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
          directory.force(true);
        } catch (IOException | UnsupportedOperationException e) {
          // some platforms cannot fsync a directory; the file itself is synced
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the privacy ledger " + file, e);
    }
  }

  /** The line of an entry, checksum included, without the newline. */
  static String format(LedgerEntry e) {
    ObjectNode node = JSON.createObjectNode();
    node.put("round", e.round());
    node.put("task", e.taskId());
    node.put("q", e.q());
    node.put("sigma", e.sigma());
    node.put("steps", e.steps());
    node.put("epsilon", e.epsilon());
    node.put("delta", e.delta());
    node.put("expected_batch", e.expectedBatch());
    node.put("clip_norm", e.clipNorm());
    node.put("time_ms", e.timeMs());
    String body;
    try {
      body = JSON.writeValueAsString(node);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    return body.substring(0, body.length() - 1) + CHECKSUM_FIELD + checksum(body) + "\"}";
  }

  private LedgerEntry parse(String line, int number) {
    int at = line.lastIndexOf(CHECKSUM_FIELD);
    if (at < 0 || !line.endsWith("\"}") || line.length() != at + CHECKSUM_FIELD.length() + 10) {
      throw corrupted(number, "no checksum at the end of the line");
    }
    String expected = line.substring(at + CHECKSUM_FIELD.length(), line.length() - 2);
    String actual = checksum(line.substring(0, at) + "}");
    if (!actual.equals(expected)) {
      throw corrupted(number, "checksum mismatch (the line was changed or damaged)");
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw corrupted(number, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
    try {
      return new LedgerEntry(integer(node, "round"), text(node, "task"), number(node, "q"),
          number(node, "sigma"), node.required("steps").asLong(), number(node, "epsilon"),
          number(node, "delta"), integer(node, "expected_batch"), number(node, "clip_norm"),
          node.required("time_ms").asLong());
    } catch (IllegalArgumentException e) {
      throw corrupted(number, e.getMessage());
    }
  }

  private static double number(JsonNode node, String field) {
    JsonNode value = node.required(field);
    if (!value.isNumber()) {
      throw new IllegalArgumentException(field + " is not a number");
    }
    return value.asDouble();
  }

  private static int integer(JsonNode node, String field) {
    JsonNode value = node.required(field);
    if (!value.canConvertToInt()) {
      throw new IllegalArgumentException(field + " is not an integer");
    }
    return value.asInt();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.required(field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return value.asText();
  }

  private CorruptedException corrupted(int line, String problem) {
    return new CorruptedException("the privacy ledger " + file + " is corrupted at line " + line
        + ": " + problem + ". This node will not train until an operator repairs the file:"
        + " restore it from a backup, or delete the damaged line only if that round's update"
        + " was never sent (a line cut short never was). Never delete the whole ledger: that"
        + " would restart this node's privacy accounting at zero.");
  }

  private static String checksum(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }
}
