package io.cohort.deploy.attack;

import io.cohort.edge.task.AttackingWork;
import io.cohort.model.djl.DjlRuntime;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cohort attack-bench}: the heart federation with and without attackers, per strategy, as
 * a table of final accuracies (see docs/robust-aggregation.md).
 */
@Command(name = "attack-bench", mixinStandardHelpOptions = true,
    description = "Runs the heart federation (four hospitals, real DJL training, one process)"
        + " with attacking nodes under several strategies and prints the final accuracy on the"
        + " union of the held-out splits.")
public final class AttackBenchCommand implements Callable<Integer> {

  @Option(names = "--strategies", split = ",",
      defaultValue = "fedavg,median,trimmed_mean,krum,multikrum,fedavg+norm_filter",
      description = "Strategies, comma-separated; NAME+norm_filter puts the norm filter in front"
          + " (default ${DEFAULT-VALUE}).")
  List<String> strategies;

  @Option(names = "--attacks", split = ",", defaultValue = "none,scale,sign-flip,random",
      description = "Attacks, comma-separated: none, scale, sign-flip, random (default"
          + " ${DEFAULT-VALUE}).")
  List<String> attacks;

  @Option(names = "--attackers", defaultValue = "2",
      description = "Attacking nodes next to the four hospitals (default ${DEFAULT-VALUE}).")
  int attackers;

  @Option(names = "--factor", defaultValue = "10",
      description = "Attack scale, or noise deviation for random (default ${DEFAULT-VALUE}).")
  double factor;

  @Option(names = "--rounds", defaultValue = "10",
      description = "Rounds per run (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--work-dir", description = "Where the coordinators keep their data (default:"
      + " a temporary directory).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path dir = workDir != null ? Files.createDirectories(workDir)
        : Files.createTempDirectory("cohort-attack-bench");
    out.printf(Locale.ROOT, "machine: %s, %d cores, Java %s; %d attackers, factor %s, %d"
        + " rounds%n", InetAddress.getLocalHost().getHostName(),
        Runtime.getRuntime().availableProcessors(), Runtime.version(), attackers, factor, rounds);
    DjlRuntime runtime = DjlRuntime.start(DjlRuntime.Settings.defaults());
    List<AttackFederation.Result> results = new ArrayList<>();
    int run = 0;
    for (String strategy : strategies) {
      for (String attack : attacks) {
        AttackFederation.Setup setup = setup(strategy, attack, attackers, factor, rounds);
        AttackFederation.Result r = AttackFederation.run(setup, dir.resolve("run-" + run++),
            runtime);
        out.printf(Locale.ROOT, "%-22s %-10s accuracy %.3f suspects %s%n", strategy, attack,
            r.accuracy(), r.suspects());
        results.add(r);
      }
    }
    printTable(out, results);
    return 0;
  }

  /** The run for a strategy name (maybe {@code NAME+norm_filter}) and an attack name. */
  public static AttackFederation.Setup setup(String strategy, String attack, int attackers,
      double factor, int rounds) {
    Map<String, Double> params = new LinkedHashMap<>();
    String name = strategy;
    if (strategy.endsWith("+norm_filter")) {
      name = strategy.substring(0, strategy.length() - "+norm_filter".length());
      params.put("norm_filter_bound", 1.0); // honest heart updates have norm ~0.1 to 0.5
    }
    switch (name) {
      // Trims as many values as there are attackers at each end: 1 of 5, 2 of 6.
      case "trimmed_mean" -> params.put("beta", (attackers + 0.5) / (4 + attackers));
      case "krum", "multikrum" -> params.put("f", (double) attackers);
      default -> { }
    }
    return new AttackFederation.Setup(name, params,
        attack.equals("none") ? null : AttackingWork.Attack.parse(attack), factor, attackers,
        rounds);
  }

  static void printTable(PrintStream out, List<AttackFederation.Result> results) {
    out.println();
    out.println("| strategy | attack | accuracy | nodes marked suspect | flagged updates"
        + " (attackers / honest) |");
    out.println("|---|---|---|---|---|");
    for (AttackFederation.Result r : results) {
      AttackFederation.Setup s = r.setup();
      out.printf(Locale.ROOT, "| %s%s | %s | %.3f | %s | %d / %d |%n", s.strategy(),
          s.params().isEmpty() ? "" : " " + s.params(),
          s.attack() == null ? "none" : s.attack().name().toLowerCase(Locale.ROOT)
              .replace('_', '-'), r.accuracy(),
          r.suspects().isEmpty() ? "-" : String.join(", ", r.suspects()),
          r.flaggedAttackers(), r.flaggedHonest());
    }
  }
}
