package io.cohort.deploy.config;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Hooks settings into a command tree: adds {@code --config FILE} to every subcommand, installs
 * {@link SettingsDefaults}, and refuses a config file with keys the command does not have.
 */
public final class ConfigOption {

  public static final String FLAG = "--config";
  public static final String ENV = "COHORT_CONFIG";
  /** What picocli's {@code @Option.defaultValue} holds when none is given. */
  private static final String NO_DEFAULT = "__no_default_value__";

  private ConfigOption() {}

  /**
   * Installs settings on {@code cli} for one run with {@code args}. The file is found before
   * parsing (picocli applies defaults before it reads the flags), from {@code --config FILE}
   * anywhere in the arguments, else from {@code COHORT_CONFIG}.
   */
  public static CommandLine install(CommandLine cli, String[] args, Map<String, String> env) {
    addConfigOption(cli);
    String location = locate(args, env);
    ConfigFile file = location == null ? ConfigFile.empty() : ConfigFile.load(Path.of(location));
    cli.setDefaultValueProvider(new SettingsDefaults(env, file));
    if (file.path() != null) {
      CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
      cli.setExecutionStrategy(parsed -> {
        refuseUnknownKeys(file, parsed);
        return run.execute(parsed);
      });
    }
    return cli;
  }

  private static void addConfigOption(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (!spec.helpCommand() && spec.findOption(FLAG) == null) {
        spec.addOption(OptionSpec.builder(FLAG).paramLabel("FILE").type(Path.class)
            .description("Settings file (YAML or .properties): each key is an option name"
                + " without dashes; flags and COHORT_* variables win over it (env "
                + ENV + ").")
            .build());
      }
      addConfigOption(sub);
    }
  }

  static String locate(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(FLAG) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith(FLAG + "=")) {
        return args[i].substring(FLAG.length() + 1);
      }
    }
    return env.get(ENV);
  }

  private static void refuseUnknownKeys(ConfigFile file, ParseResult parsed) {
    List<CommandLine> chain = parsed.asCommandLineList();
    CommandLine leaf = chain.get(chain.size() - 1);
    List<String> unknown = unknownKeys(file, leaf, chain.get(0));
    if (!unknown.isEmpty()) {
      throw new CommandLine.ParameterException(leaf, "--config: " + file.path() + ": "
          + leaf.getCommandSpec().qualifiedName() + " has no setting "
          + String.join(", ", unknown));
    }
  }

  /** Keys of {@code file} that name no option of {@code command} (a subcommand of root). */
  public static List<String> unknownKeys(ConfigFile file, CommandLine command, CommandLine root) {
    Set<String> keys = new HashSet<>();
    for (OptionSpec o : command.getCommandSpec().options()) {
      if (SettingName.configurable(o)) {
        keys.add(SettingName.of(o).key());
      }
    }
    return file.unknownKeys(command.getCommandSpec().name(), keys,
        new HashSet<>(root.getSubcommands().keySet()));
  }

  /** The annotation's default as written, {@code ${env:...}} unresolved (null when none). */
  static String rawDefault(OptionSpec option) {
    if (option.userObject() instanceof Field field) {
      CommandLine.Option a = field.getAnnotation(CommandLine.Option.class);
      if (a != null) {
        String v = a.defaultValue();
        return v.equals(NO_DEFAULT) || v.equals(CommandLine.Option.NULL_VALUE) ? null : v;
      }
    }
    return option.defaultValue();
  }
}
