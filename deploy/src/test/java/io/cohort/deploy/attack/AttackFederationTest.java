package io.cohort.deploy.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.model.djl.DjlRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heart federation with two sign-flipping attackers (x10) next to the four hospitals, real
 * DJL training over gRPC: FedAvg is wrecked, the robust strategies keep the accuracy of the
 * federation without attackers, and the attackers are the nodes marked suspect.
 */
class AttackFederationTest {

  static final int ROUNDS = 10;
  @TempDir static Path dir;
  static DjlRuntime runtime;
  static AttackFederation.Result clean;
  static final List<AttackFederation.Result> all = new ArrayList<>();
  static int runs;

  @BeforeAll
  static void baseline() throws Exception {
    runtime = DjlRuntime.start(DjlRuntime.Settings.defaults());
    clean = run("fedavg", "none");
  }

  @AfterAll
  static void printTable() {
    AttackBenchCommand.printTable(System.out, all);
  }

  static AttackFederation.Result run(String strategy, String attack) throws Exception {
    AttackFederation.Result r = AttackFederation.run(AttackBenchCommand.setup(strategy, attack,
        2, 10, ROUNDS), dir.resolve("run-" + runs++), runtime);
    all.add(r);
    return r;
  }

  @Test
  void fedAvgDegradesUnderSignFlippingAttackers() throws Exception {
    assertThat(clean.accuracy()).isGreaterThan(0.74);
    assertThat(run("fedavg", "sign-flip").accuracy()).isLessThan(clean.accuracy() - 0.15);
  }

  @Test
  void medianHoldsAccuracyAndMarksTheAttackers() throws Exception {
    AttackFederation.Result r = run("median", "sign-flip");
    assertThat(r.accuracy()).isGreaterThan(clean.accuracy() - 0.05);
    assertThat(r.suspects()).containsExactlyInAnyOrder("attacker-1", "attacker-2");
  }

  @Test
  void krumHoldsAccuracyAndFlagsOnlyTheAttackers() throws Exception {
    AttackFederation.Result r = run("krum", "sign-flip");
    assertThat(r.accuracy()).isGreaterThan(clean.accuracy() - 0.05);
    assertThat(r.flaggedAttackers()).isEqualTo(2 * ROUNDS);
    assertThat(r.flaggedHonest()).isZero();
  }

  @Test
  void trimmedMeanHoldsAccuracy() throws Exception {
    assertThat(run("trimmed_mean", "sign-flip").accuracy())
        .isGreaterThan(clean.accuracy() - 0.05);
  }

  @Test
  void normFilterInFrontOfFedAvgStopsBoostedUpdates() throws Exception {
    AttackFederation.Result r = run("fedavg+norm_filter", "scale");
    assertThat(r.accuracy()).isGreaterThan(clean.accuracy() - 0.05);
    assertThat(r.suspects()).containsExactlyInAnyOrder("attacker-1", "attacker-2");
  }
}
