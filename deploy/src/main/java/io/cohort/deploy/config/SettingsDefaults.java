package io.cohort.deploy.config;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives every option of every subcommand its environment variable and config-file key, so a
 * container can be configured without flags. Precedence, highest first: the flag, the derived
 * variable {@code COHORT_<OPTION>}, a variable the option's annotation already reads, the config
 * file, the built-in default.
 */
public final class SettingsDefaults implements IDefaultValueProvider {

  private final Map<String, String> env;
  private final ConfigFile file;

  public SettingsDefaults(Map<String, String> env, ConfigFile file) {
    this.env = env;
    this.file = file;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !SettingName.configurable(option)
        || option.longestName().equals(ConfigOption.FLAG)) {
      return null;
    }
    SettingName name = SettingName.of(option);
    String fromEnv = env.get(name.env());
    if (fromEnv != null) {
      return fromEnv;
    }
    String legacy = SettingName.legacyEnv(ConfigOption.rawDefault(option)).orElse(null);
    if (legacy != null && env.get(legacy) != null) {
      return null; // the annotation's own ${env:...} default reads it
    }
    return file.value(option.command().name(), name.key());
  }
}
