package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacyLedgerTest {

  @TempDir
  Path dir;

  private static LedgerEntry entry(int round, double epsilon) {
    return new LedgerEntry(round, "task-" + round, 0.016, 1.1, 63, epsilon, 1e-5, 16, 1.0,
        1_700_000_000_000L + round);
  }

  @Test
  void entriesRoundTripThroughANewLedgerOnTheSameFile() {
    Path file = dir.resolve("node/privacy-ledger.jsonl");
    PrivacyLedger ledger = new PrivacyLedger(file);
    ledger.append(entry(1, 0.25));
    ledger.append(entry(2, 0.375));

    List<LedgerEntry> read = new PrivacyLedger(file).read();

    assertThat(read).containsExactly(entry(1, 0.25), entry(2, 0.375));
  }

  @Test
  void aMissingLedgerIsEmptyAndAnEmptyFileToo() throws IOException {
    assertThat(new PrivacyLedger(dir.resolve("none.jsonl")).read()).isEmpty();
    Files.createFile(dir.resolve("empty.jsonl"));
    assertThat(new PrivacyLedger(dir.resolve("empty.jsonl")).read()).isEmpty();
  }

  @Test
  void eachLineIsJsonWithItsChecksumLast() throws IOException {
    Path file = dir.resolve("ledger.jsonl");
    new PrivacyLedger(file).append(entry(4, 0.5));

    String line = Files.readString(file);

    assertThat(line).startsWith("{\"round\":4,\"task\":\"task-4\",\"q\":0.016,\"sigma\":1.1,"
        + "\"steps\":63,\"epsilon\":0.5,\"delta\":1.0E-5,\"expected_batch\":16,"
        + "\"clip_norm\":1.0,\"time_ms\":1700000000004,\"crc32c\":\"").endsWith("\"}\n");
  }

  @Test
  void aChangedValueFailsItsChecksumAndTheLedgerIsRefused() throws IOException {
    Path file = dir.resolve("ledger.jsonl");
    PrivacyLedger ledger = new PrivacyLedger(file);
    ledger.append(entry(1, 0.25));
    ledger.append(entry(2, 0.375));
    Files.writeString(file, Files.readString(file).replace("\"epsilon\":0.375",
        "\"epsilon\":0.001"));

    assertThatThrownBy(ledger::read)
        .isInstanceOf(PrivacyLedger.CorruptedException.class)
        .hasMessageContaining("is corrupted at line 2: checksum mismatch")
        .hasMessageContaining("will not train until an operator repairs the file")
        .hasMessageContaining("Never delete the whole ledger");
  }

  @Test
  void anUnparsableLineIsRefused() throws IOException {
    Path file = dir.resolve("ledger.jsonl");
    new PrivacyLedger(file).append(entry(1, 0.25));
    Files.writeString(file, "garbage\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> new PrivacyLedger(file).read())
        .isInstanceOf(PrivacyLedger.CorruptedException.class)
        .hasMessageContaining("line 2: no checksum");
  }

  @Test
  void aLineCutShortIsRefusedToo() throws IOException {
    Path file = dir.resolve("ledger.jsonl");
    new PrivacyLedger(file).append(entry(1, 0.25));
    String line = PrivacyLedger.format(entry(2, 0.375));
    Files.writeString(file, line.substring(0, 40), StandardOpenOption.APPEND);

    assertThatThrownBy(() -> new PrivacyLedger(file).read())
        .isInstanceOf(PrivacyLedger.CorruptedException.class)
        .hasMessageContaining("line 2: the line is cut short");
  }

  @Test
  void aLineWithAValidChecksumButImpossibleValuesIsRefused() throws IOException {
    Path file = dir.resolve("ledger.jsonl");
    String bad = "{\"round\":1,\"task\":\"t\",\"q\":1.5,\"sigma\":1.1,\"steps\":63,"
        + "\"epsilon\":0.5,\"delta\":1.0E-5,\"expected_batch\":16,\"clip_norm\":1.0,"
        + "\"time_ms\":1}";
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bad.getBytes(StandardCharsets.UTF_8));
    Files.writeString(file, bad.substring(0, bad.length() - 1) + ",\"crc32c\":\""
        + java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + "\"}\n");

    assertThatThrownBy(() -> new PrivacyLedger(file).read())
        .isInstanceOf(PrivacyLedger.CorruptedException.class)
        .hasMessageContaining("line 1: q must be in (0, 1], got 1.5");
  }
}
