package io.cohort.deploy.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cohort.deploy.CohortMain;
import io.cohort.deploy.config.ConfigFile;
import io.cohort.deploy.config.ConfigOption;
import io.cohort.deploy.config.SettingName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Reads the deployment files of the repository and answers questions about the CLI. */
final class Manifests {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path COMPOSE = ROOT.resolve("deploy/compose/compose.yaml");
  static final Path DOCKERFILE = ROOT.resolve("deploy/docker/Dockerfile");
  static final Path K8S = ROOT.resolve("deploy/k8s");

  /** Variables the launcher reads itself (deploy/docker/cohort), not picocli options. */
  static final Set<String> LAUNCHER_ENV = Set.of("COHORT_JAVA_OPTS", "COHORT_TORCH_THREADS",
      ConfigOption.ENV);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Manifests() {}

  static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a multi-document YAML file. */
  static List<JsonNode> documents(Path file) {
    try {
      List<JsonNode> docs = new ArrayList<>();
      YAML.readerFor(JsonNode.class).readValues(file.toFile())
          .forEachRemaining(d -> {
            if (d != null && !((JsonNode) d).isNull() && !((JsonNode) d).isMissingNode()) {
              docs.add((JsonNode) d);
            }
          });
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static List<Path> k8sFiles() {
    try (Stream<Path> files = Files.walk(K8S)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every k8s object of the given kind. */
  static List<JsonNode> k8sObjects(String kind) {
    return k8sFiles().stream().flatMap(f -> documents(f).stream())
        .filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static CommandLine cli() {
    return CohortMain.referenceTree();
  }

  /** The subcommand an argument list runs (its first element), or null when there is none. */
  static CommandLine subcommand(CommandLine root, List<String> args) {
    return args.isEmpty() ? null : root.getSubcommands().get(args.get(0));
  }

  /** Flags of {@code args} that the subcommand does not have. */
  static List<String> unknownFlags(CommandLine command, List<String> args) {
    List<String> unknown = new ArrayList<>();
    for (String a : args) {
      String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (flag.startsWith("--") && command.getCommandSpec().findOption(flag) == null) {
        unknown.add(flag);
      }
    }
    return unknown;
  }

  /** Every environment variable any option of {@code command} reads. */
  static Set<String> envVars(CommandLine command) {
    Set<String> vars = new HashSet<>(LAUNCHER_ENV);
    for (OptionSpec o : command.getCommandSpec().options()) {
      if (!SettingName.configurable(o)) {
        continue;
      }
      vars.add(SettingName.of(o).env());
      if (o.userObject() instanceof java.lang.reflect.Field f
          && f.getAnnotation(CommandLine.Option.class) != null) {
        SettingName.legacyEnv(f.getAnnotation(CommandLine.Option.class).defaultValue())
            .ifPresent(vars::add);
      }
    }
    return vars;
  }

  /** Keys of a config text that {@code command} does not have. */
  static List<String> unknownConfigKeys(String yaml, CommandLine command, Path tmp) {
    try {
      Path file = Files.createTempFile(tmp, "config", ".yaml");
      Files.writeString(file, yaml);
      return ConfigOption.unknownKeys(ConfigFile.load(file), command, cli());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Dockerfile build targets ({@code FROM base AS name}). */
  static Set<String> dockerTargets() {
    Set<String> targets = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(read(DOCKERFILE));
    while (m.find()) {
      targets.add(m.group(1));
    }
    return targets;
  }

  /** The lines of one Dockerfile stage, from its FROM to the next. */
  static String dockerStage(String target) {
    String text = read(DOCKERFILE);
    int start = text.indexOf(" AS " + target + "\n");
    int end = text.indexOf("\nFROM ", start);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
