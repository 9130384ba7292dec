package io.cohort.edge.privacy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cohort privacy}: the accountant on the command line. {@code privacy epsilon} computes the
 * epsilon of DP-SGD with Poisson sampling, {@code privacy sigma} the noise multiplier for a target
 * epsilon.
 *
 * <p>Bad input exits with code 2 and one line on stderr saying what to fix. Inside the
 * {@code cohort} launcher the launcher's parameter-exception handler prints that line; standalone
 * ({@code new CommandLine(new PrivacyCommand())}) the {@link OneLineErrors} model transformer
 * installs {@link #printOneLine} so the command behaves the same.
 */
@Command(name = "privacy",
    description = {
        "Differential-privacy accounting for DP-SGD with Poisson sampling: Renyi DP of the "
            + "sampled Gaussian mechanism (Mironov, Talwar, Zhang 2019) over 200 orders from 1.1 "
            + "to 1024, converted to (epsilon, delta).",
        "",
        "q is the sampling rate (expected batch size / local dataset size), sigma the noise "
            + "multiplier (noise standard deviation / clipping norm), steps the number of noisy "
            + "gradient steps (epochs / q per round, summed over rounds)."},
    subcommands = {PrivacyCommand.EpsilonCommand.class, PrivacyCommand.SigmaCommand.class},
    modelTransformer = PrivacyCommand.OneLineErrors.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:invalid input (one line on stderr says what to fix)"})
public final class PrivacyCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "missing subcommand: use 'epsilon' or 'sigma'");
  }

  /**
   * Prints a parameter error as one line on the command's stderr and returns exit code 2.
   * Usable as any {@link CommandLine#setParameterExceptionHandler} handler.
   */
  public static int printOneLine(ParameterException ex, String[] args) {
    CommandLine cli = ex.getCommandLine();
    String name = cli.getCommandSpec().qualifiedName();
    String message = String.valueOf(ex.getMessage()).replaceAll("\\s*\\R\\s*", " ").trim();
    cli.getErr().println(name + ": " + message + " (see '" + name + " --help')");
    cli.getErr().flush();
    return CommandLine.ExitCode.USAGE;
  }

  /** Installs {@link #printOneLine} on the command line being built around a PrivacyCommand. */
  public static final class OneLineErrors implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec commandSpec) {
      CommandLine cli = commandSpec.commandLine();
      if (cli != null) {
        cli.setParameterExceptionHandler(PrivacyCommand::printOneLine);
      }
      return commandSpec;
    }
  }

  /** Options shared by both subcommands. */
  static final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--q", required = true, paramLabel = "Q",
        description = "Sampling rate per step, in (0, 1]: expected batch size / number of "
            + "local records, e.g. 0.004 for batches of 240 out of 60000.")
    double q;

    @Option(names = "--steps", required = true, paramLabel = "T",
        description = "Number of steps (noisy gradient updates), >= 0 (>= 1 for 'sigma'), "
            + "e.g. 15000 for 60 epochs at q = 0.004.")
    long steps;

    @Option(names = "--delta", required = true, paramLabel = "D",
        description = "Target delta, in (0, 1); customarily min(1e-5, 1/(10 n)) for n local "
            + "records.")
    double delta;

    @Option(names = "--conversion", paramLabel = "balle|classic", defaultValue = "balle",
        converter = ConversionConverter.class,
        description = "RDP to (epsilon, delta) conversion: 'balle' (Balle et al. 2020, the "
            + "tighter one Opacus and TF-Privacy use) or 'classic' (Mironov 2017, eps = rdp + "
            + "log(1/delta)/(alpha-1)). Default: ${DEFAULT-VALUE}.")
    RdpConversion conversion;

    @Option(names = "--json", description = "Print one JSON object instead of a sentence.")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Validates the shared options, naming the offending one. */
    void validate(long minSteps) {
      check(() -> Checks.samplingRate("--q", q));
      check(() -> Checks.delta("--delta", delta));
      if (steps < minSteps) {
        throw new ParameterException(mixee.commandLine(),
            "--steps must be >= " + minSteps + ", got " + steps);
      }
    }

    /** Runs a check or computation, turning its IllegalArgumentException into a usage error. */
    <T> T check(Callable<T> body) {
      try {
        return body.call();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(mixee.commandLine(), e.getMessage(), e);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    void print(String sentence, String json) {
      mixee.commandLine().getOut().println(this.json ? json : sentence);
      mixee.commandLine().getOut().flush();
    }

    String settings() {
      return "delta = " + plain(delta) + ", " + conversion.cliName() + " conversion";
    }
  }

  /** {@code privacy epsilon}. */
  @Command(name = "epsilon", sortOptions = false,
      header = "Epsilon spent by T steps at sampling rate Q and noise multiplier S.",
      description = {
          "Print the epsilon spent by T steps of DP-SGD at sampling rate Q and noise multiplier "
              + "S, and the Renyi order that attains it, on one line:",
          "  epsilon = 2.90505, order = 9.1 (delta = 0.00001, classic conversion)",
          "With --json: {\"epsilon\":2.9050453035339863,\"order\":9.1} (null if infinite).",
          ""},
      footer = {"", "Example (Opacus MNIST example, about 2.91):",
          "  privacy epsilon --q 0.004 --sigma 1.1 --steps 15000 --delta 1e-5 \\",
          "      --conversion classic"},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:success", "2:invalid input (one line on stderr says what to fix)"})
  public static final class EpsilonCommand implements Callable<Integer> {
    @Option(names = "--sigma", required = true, paramLabel = "S",
        description = "Noise multiplier: noise standard deviation / clipping norm, finite and "
            + "> 0, e.g. 1.1.")
    double sigma;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
      common.check(() -> Checks.noiseMultiplier("--sigma", sigma));
      common.validate(0);
      EpsilonResult r = PrivacyAccountant.epsilon(common.q, sigma, common.steps, common.delta,
          common.conversion);
      common.print("epsilon = " + plain(r.epsilon()) + ", order = " + plain(r.order()) + " ("
              + common.settings() + ")",
          "{\"epsilon\":" + json(r.epsilon()) + ",\"order\":" + json(r.order()) + "}");
      return CommandLine.ExitCode.OK;
    }
  }

  /** {@code privacy sigma}. */
  @Command(name = "sigma", sortOptions = false,
      header = "Smallest noise multiplier sigma that keeps T steps within epsilon E.",
      description = {
          "Print the smallest noise multiplier sigma for which T steps at sampling rate Q stay "
              + "within epsilon E at delta D, with the epsilon it gives and its order:",
          "  sigma = 1.44402, epsilon = 3, order = 7.1 (delta = 0.00001, balle conversion)",
          "With --json: {\"sigma\":...,\"epsilon\":...,\"order\":...}.",
          "Sigma is searched in [0.001, 1000000]; a target out of that reach is an error.",
          ""},
      footer = {"", "Example (the line above):",
          "  privacy sigma --q 0.0256 --steps 1000 --delta 1e-5 --epsilon 3"},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:success", "2:invalid input or unreachable target (one line on stderr)"})
  public static final class SigmaCommand implements Callable<Integer> {
    @Option(names = "--epsilon", required = true, paramLabel = "E",
        description = "Target epsilon for all T steps, finite and > 0, e.g. 3.")
    double epsilon;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
      common.check(() -> Checks.epsilonTarget("--epsilon", epsilon));
      common.validate(1);
      SigmaSolver.Solution s = common.check(() -> SigmaSolver.solve(epsilon, common.q,
          common.steps, common.delta, common.conversion));
      common.print("sigma = " + plain(s.sigma()) + ", epsilon = " + plain(s.epsilon())
              + ", order = " + plain(s.order()) + " (" + common.settings() + ")",
          "{\"sigma\":" + json(s.sigma()) + ",\"epsilon\":" + json(s.epsilon()) + ",\"order\":"
              + json(s.order()) + "}");
      return CommandLine.ExitCode.OK;
    }
  }

  /** Parses {@code balle} / {@code classic}. */
  static final class ConversionConverter implements CommandLine.ITypeConverter<RdpConversion> {
    @Override
    public RdpConversion convert(String value) {
      try {
        return RdpConversion.fromCliName(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected 'balle' or 'classic', got '"
            + value + "'");
      }
    }
  }

  /** Six significant digits, no exponent: {@code 2.90505}, {@code 0.00001}, {@code 12}. */
  static String plain(double v) {
    if (Double.isNaN(v)) {
      return "none";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "infinity" : "-infinity";
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** A JSON number with full precision, {@code null} when not finite. */
  static String json(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }
}
