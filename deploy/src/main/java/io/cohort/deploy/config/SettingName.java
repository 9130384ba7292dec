package io.cohort.deploy.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The three names of one setting: the flag {@code --http-port}, the config-file key
 * {@code http-port} and the environment variable {@code COHORT_HTTP_PORT}. One rule derives all
 * of them from the option's longest name, so they can never disagree.
 */
public record SettingName(String flag, String key, String env) {

  /** {@code ${env:NAME}} or {@code ${env:NAME:-fallback}} in an option's annotation default. */
  private static final Pattern ENV_DEFAULT =
      Pattern.compile("^\\$\\{env:([A-Za-z0-9_]+)(?::-(.*))?}$", Pattern.DOTALL);

  public static SettingName of(OptionSpec option) {
    String flag = option.longestName();
    String key = flag.replaceFirst("^-+", "");
    return new SettingName(flag, key, "COHORT_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /**
   * Whether the option can come from the environment or a config file. Options inside picocli
   * argument groups (client's --data/--schema or --simulate-*) cannot: picocli decides which
   * group was chosen from the flags alone, so they are flags only.
   */
  public static boolean configurable(OptionSpec option) {
    return option.group() == null && !option.usageHelp() && !option.versionHelp();
  }

  /**
   * The environment variable an option's own annotation reads, when it differs from the derived
   * one (older options such as {@code --node} read {@code COHORT_NODE_ID}); both are honoured.
   */
  public static Optional<String> legacyEnv(String rawDefault) {
    Matcher m = rawDefault == null ? null : ENV_DEFAULT.matcher(rawDefault);
    return m != null && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The built-in default, with {@code ${env:X:-d}} read as {@code d} (null when there is none). */
  public static String builtInDefault(String rawDefault) {
    if (rawDefault == null) {
      return null;
    }
    Matcher m = ENV_DEFAULT.matcher(rawDefault);
    return m.matches() ? m.group(2) : rawDefault;
  }
}
