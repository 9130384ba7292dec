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
 * The heart federation (four hospitals, real DJL training over gRPC on 127.0.0.1) with one
 * attacking node next to them, 10 rounds: FedAvg is wrecked by a sign-flipped update (x10) and by
 * random noise, the robust strategies keep (most of) the accuracy of the federation without
 * attackers, and the attacker is the node marked suspect. The numbers are in
 * docs/robust-aggregation.md.
 */
class AttackFederationTest {

  static final int ROUNDS = 10;
  @TempDir static Path dir;
  static DjlRuntime runtime;
  static AttackFederation.Result clean;
  static AttackFederation.Result fedAvgSignFlip;
  static final List<AttackFederation.Result> all = new ArrayList<>();
  static int runs;

  @BeforeAll
  static void baselines() throws Exception {
    runtime = DjlRuntime.start(DjlRuntime.Settings.defaults());
    clean = run("fedavg", "none");
    fedAvgSignFlip = run("fedavg", "sign-flip");
  }

  @AfterAll
  static void printTable() {
    AttackBenchCommand.printTable(System.out, all);
  }

  static AttackFederation.Result run(String strategy, String attack) throws Exception {
    AttackFederation.Result r = AttackFederation.run(AttackBenchCommand.setup(strategy, attack,
        1, 10, ROUNDS), dir.resolve("run-" + runs++), runtime);
    all.add(r);
    return r;
  }

  @Test
  void fedAvgDegradesUnderASignFlippingAttacker() {
    assertThat(clean.accuracy()).isGreaterThan(0.77);
    assertThat(fedAvgSignFlip.accuracy()).isLessThan(clean.accuracy() - 0.3);
    assertThat(clean.suspects()).isEmpty();
  }

  @Test
  void multiKrumHoldsAccuracyAndMarksOnlyTheAttacker() throws Exception {
    AttackFederation.Result r = run("multikrum", "sign-flip");
    assertThat(r.accuracy()).isGreaterThanOrEqualTo(clean.accuracy() - 0.03);
    assertThat(r.suspects()).containsExactly("attacker-1");
    assertThat(r.flaggedAttackers()).isEqualTo(ROUNDS);
    assertThat(r.flaggedHonest()).isZero();
  }

  @Test
  void multiKrumWithoutAttackersAccusesNoHospital() throws Exception {
    AttackFederation.Result r = run("multikrum", "none");
    // Leaving out the f most distant hospitals each round costs some accuracy on non-IID data
    // (0.744 to 0.768 measured against FedAvg's 0.804), but nobody is accused.
    assertThat(r.accuracy()).isGreaterThanOrEqualTo(clean.accuracy() - 0.1);
    assertThat(r.flaggedHonest()).isZero();
    assertThat(r.suspects()).isEmpty();
  }

  @Test
  void trimmedMeanHoldsAccuracy() throws Exception {
    AttackFederation.Result r = run("trimmed_mean", "sign-flip");
    assertThat(r.accuracy()).isGreaterThanOrEqualTo(clean.accuracy() - 0.06);
    assertThat(r.suspects()).containsExactly("attacker-1");
  }

  @Test
  void medianHoldsFarBetterThanFedAvg() throws Exception {
    AttackFederation.Result r = run("median", "sign-flip");
    assertThat(r.accuracy()).isGreaterThan(fedAvgSignFlip.accuracy() + 0.25);
    assertThat(r.suspects()).containsExactly("attacker-1");
  }

  @Test
  void normFilterInFrontOfFedAvgStopsRandomUpdates() throws Exception {
    AttackFederation.Result r = run("fedavg+norm_filter", "random");
    assertThat(r.accuracy()).isGreaterThanOrEqualTo(clean.accuracy() - 0.03);
    assertThat(r.suspects()).containsExactly("attacker-1");
    assertThat(r.flaggedHonest()).isZero();
  }
}
