package io.cohort.deploy;

import io.cohort.deploy.cli.AuditCommand;
import io.cohort.deploy.cli.CoordinatorCommand;
import io.cohort.deploy.cli.FederationCommand;
import io.cohort.deploy.cli.NodesCommand;
import io.cohort.deploy.cli.RoundsCommand;
import io.cohort.deploy.cli.StatusCommand;
import io.cohort.deploy.config.ConfigOption;
import io.cohort.deploy.config.ConfigReferenceCommand;
import io.cohort.deploy.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code deploy/bin/cohort}. */
@Command(name = "cohort", mixinStandardHelpOptions = true, version = "cohort 0.1.0",
    description = "Federated learning with differential privacy and a data market.",
    subcommands = {DemoCommand.class, CoordinatorCommand.class,
        io.cohort.edge.cli.ClientCommand.class, StatusCommand.class, RoundsCommand.class,
        NodesCommand.class, FederationCommand.class, AuditCommand.class,
        io.cohort.deploy.cli.DashboardLoginCommand.class,
        io.cohort.deploy.cli.KeysCommand.class, io.cohort.deploy.cli.PredictCommand.class,
        io.cohort.deploy.cli.UsageCommand.class, io.cohort.deploy.bench.InferenceBenchCommand.class,
        io.cohort.edge.privacy.PrivacyCommand.class, io.cohort.edge.privacy.DpBenchCommand.class,
        io.cohort.billing.cli.BillingCommand.class, io.cohort.billing.bench.BillingBenchCommand.class,
        io.cohort.deploy.plot.PrivacyUtilityCommand.class,
        io.cohort.deploy.provision.ProvisionCommand.class,
        io.cohort.deploy.bench.BenchCommand.class,
        io.cohort.deploy.attack.AttackBenchCommand.class, CommandLine.HelpCommand.class})
public final class CohortMain implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs one command line with settings from flags, {@code COHORT_*} variables and
   * {@code --config FILE} (see docs/configuration.md).
   */
  public static int run(String... args) {
    CommandLine cli;
    try {
      cli = ConfigOption.install(commandLine(), args, System.getenv());
    } catch (UserError e) {
      System.err.println("cohort: " + e.getMessage());
      return 2;
    }
    return cli.execute(args);
  }

  /** The full command tree with settings installed but no environment or file: for docs. */
  public static CommandLine referenceTree() {
    return ConfigOption.install(commandLine(), new String[0], java.util.Map.of());
  }

  /** The command line with Cohort's error conventions: one line saying what to fix, exit 2. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CohortMain());
    cli.addSubcommand(new ConfigReferenceCommand(CohortMain::referenceTree));
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      // picocli starts some messages with "Error: "; the "cohort:" prefix already says it.
      String message = ex.getMessage().replaceFirst("^Error: ", "");
      c.getErr().println("cohort: " + message + " (see '" + c.getCommandSpec()
          .qualifiedName() + " --help')");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, c, parseResult) -> {
      if (ex instanceof UserError || ex instanceof IllegalArgumentException
          || ex instanceof io.cohort.edge.data.DataException) {
        c.getErr().println("cohort: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
