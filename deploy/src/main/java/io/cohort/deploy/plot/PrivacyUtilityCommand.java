package io.cohort.deploy.plot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cohort.deploy.CohortMain;
import io.cohort.deploy.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cohort privacy-utility}: runs the heart demo once per privacy budget and draws the final
 * model's accuracy against epsilon.
 */
@Command(name = "privacy-utility", mixinStandardHelpOptions = true,
    header = "Plots the heart federation's accuracy against the DP budget epsilon (SVG).",
    description = {"Runs the heart federation with DP-SGD at every hospital for each budget",
        "(plus once without DP) and plots the final accuracy against epsilon as SVG."})
public final class PrivacyUtilityCommand implements Callable<Integer> {

  @Option(names = "--budgets", split = ",", defaultValue = "1,3,8,inf",
      description = "Epsilon budgets per owner; 'inf' runs without DP (default"
          + " ${DEFAULT-VALUE}).")
  List<String> budgets;

  @Option(names = "--rounds", defaultValue = "20",
      description = "Rounds per run (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--output", defaultValue = "docs/privacy-utility.svg",
      description = "SVG file to write (default ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--work-dir", defaultValue = ".cache/privacy-utility",
      description = "Folder for the runs' files and reports (default ${DEFAULT-VALUE}).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    List<LineChartSvg.Point> points = new ArrayList<>();
    System.out.printf("%-10s %-10s %-8s%n", "epsilon", "accuracy", "auc");
    for (String budget : budgets) {
      boolean noDp = budget.equalsIgnoreCase("inf");
      if (!noDp) {
        try {
          if (!(Double.parseDouble(budget) > 0)) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          throw new UserError("--budgets: '" + budget + "' is not a positive number or inf");
        }
      }
      Path dir = workDir.resolve("eps-" + budget);
      Path report = dir.resolve("report.json");
      List<String> args = new ArrayList<>(List.of("demo", "--exit-when-done", "--no-market",
          "--rounds", Integer.toString(rounds), "--report", report.toString(), "--work-dir",
          dir.resolve("run").toString()));
      if (!noDp) {
        args.addAll(List.of("--dp", "on", "--epsilon", budget));
      }
      Files.createDirectories(dir);
      int code = CohortMain.commandLine().execute(args.toArray(String[]::new));
      if (code != 0) {
        throw new UserError("the run with epsilon " + budget + " failed (exit " + code
            + "); see " + dir);
      }
      JsonNode r = new ObjectMapper().readTree(report.toFile());
      double acc = r.at("/final/global/accuracy").asDouble();
      double auc = r.at("/final/global/auc").asDouble();
      System.out.printf(Locale.ROOT, "%-10s %-10.3f %-8.3f%n", budget, acc, auc);
      points.add(new LineChartSvg.Point(noDp ? "no DP" : "ε = " + budget, acc));
    }
    if (output.toAbsolutePath().getParent() != null) {
      Files.createDirectories(output.toAbsolutePath().getParent());
    }
    Files.writeString(output, LineChartSvg.render("Heart federation, " + rounds
        + " rounds: accuracy vs. privacy budget", "record-level epsilon per owner"
        + " (delta = min(1e-5, 1/(10 n)))", "accuracy on the union of held-out splits", points,
        0.4, 0.9));
    System.out.println("plot written to " + output.toAbsolutePath());
    return 0;
  }
}
