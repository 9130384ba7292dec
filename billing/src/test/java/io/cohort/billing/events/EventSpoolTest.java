package io.cohort.billing.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.billing.TestDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class EventSpoolTest {

  @Test
  void unacknowledgedEventsSurviveAReopenInOrder() {
    Path dir = TestDirs.fresh("spool-");
    try (EventSpool spool = EventSpool.open(dir)) {
      spool.append("t", "a", bytes("one"));
      SpooledEvent two = spool.append("t", null, bytes("two"));
      spool.append("t", "c", bytes("three"));
      spool.ack(two.seq());
    }

    try (EventSpool reopened = EventSpool.open(dir)) {
      assertThat(reopened.recovered()).extracting(e -> new String(e.value(),
          StandardCharsets.UTF_8)).containsExactly("one", "three");
      assertThat(reopened.recovered()).extracting(SpooledEvent::key).containsExactly("a", "c");
      SpooledEvent next = reopened.append("t", "d", bytes("four"));
      assertThat(next.seq()).isGreaterThan(reopened.recovered().get(1).seq());
    }
  }

  @Test
  void aTornRecordAtTheTailIsIgnored() throws Exception {
    Path dir = TestDirs.fresh("spool-");
    try (EventSpool spool = EventSpool.open(dir)) {
      spool.append("t", "a", bytes("whole"));
    }
    Files.write(dir.resolve("spool.log"), new byte[] {0, 0, 0, 40, 1, 2}, StandardOpenOption.APPEND);

    try (EventSpool reopened = EventSpool.open(dir)) {
      assertThat(reopened.recovered()).singleElement()
          .satisfies(e -> assertThat(e.value()).isEqualTo(bytes("whole")));
    }
  }

  @Test
  void truncatingForgetsEverything() {
    Path dir = TestDirs.fresh("spool-");
    try (EventSpool spool = EventSpool.open(dir)) {
      spool.ack(spool.append("t", "a", bytes("x")).seq());
      spool.truncate();
      assertThat(spool.sizeBytes()).isZero();
    }
    try (EventSpool reopened = EventSpool.open(dir)) {
      assertThat(reopened.recovered()).isEmpty();
    }
  }

  @Test
  void contributionIdsAreDeterministicAndDistinct() {
    assertThat(EventIds.contribution("heart", 3, "hospital-a"))
        .isEqualTo(EventIds.contribution("heart", 3, "hospital-a"))
        .startsWith("ctr-").hasSize(36)
        .isNotEqualTo(EventIds.contribution("heart", 4, "hospital-a"))
        .isNotEqualTo(EventIds.contribution("heart", 3, "hospital-b"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
