package io.cohort.deploy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cohort.deploy.UserError;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A process's settings file ({@code --config FILE} or {@code COHORT_CONFIG}): YAML whose keys are
 * option names without dashes ({@code http-port: 7401}), or a {@code .properties} file with the
 * same keys. A key may also sit under a section named after the subcommand
 * ({@code coordinator: {port: 7400}}), which wins over the flat key.
 */
public final class ConfigFile {

  private final Path path;
  private final Map<String, String> values;

  private ConfigFile(Path path, Map<String, String> values) {
    this.path = path;
    this.values = values;
  }

  public static ConfigFile empty() {
    return new ConfigFile(null, Map.of());
  }

  /** Reads {@code path}; a missing file, bad syntax or a nested value is a {@link UserError}. */
  public static ConfigFile load(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new UserError("--config: " + path + " is not a readable file");
    }
    Map<String, String> values = new LinkedHashMap<>();
    try (Reader in = Files.newBufferedReader(path)) {
      if (path.getFileName().toString().endsWith(".properties")) {
        Properties p = new Properties();
        p.load(in);
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k).trim()));
      } else {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        if (root != null && !root.isNull()) {
          if (!root.isObject()) {
            throw new UserError("--config: " + path + " must be a map of setting: value");
          }
          flatten(path, "", root, values);
        }
      }
    } catch (IOException e) {
      throw new UserError("--config: cannot read " + path + ": " + e.getMessage());
    }
    return new ConfigFile(path, values);
  }

  private static void flatten(Path path, String prefix, JsonNode node, Map<String, String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject() && prefix.isEmpty()) {
        flatten(path, key + ".", v, out); // one level: a subcommand's section
      } else if (v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(item -> items.add(scalar(path, key, item)));
        out.put(key, String.join(",", items));
      } else {
        out.put(key, scalar(path, key, v));
      }
    }
  }

  private static String scalar(Path path, String key, JsonNode v) {
    if (v.isContainerNode()) {
      throw new UserError("--config: " + path + ": '" + key + "' must be a plain value");
    }
    return v.isNull() ? "" : v.asText();
  }

  /** The value for {@code key} in the section of {@code command}, else the flat one. */
  public String value(String command, String key) {
    String sectioned = values.get(command + "." + key);
    return sectioned != null ? sectioned : values.get(key);
  }

  /** Keys that name no setting of {@code command} (typos), for a precise refusal. */
  public List<String> unknownKeys(String command, Set<String> knownKeys,
      Set<String> commandNames) {
    List<String> unknown = new ArrayList<>();
    for (String k : values.keySet()) {
      int dot = k.indexOf('.');
      if (dot > 0 && commandNames.contains(k.substring(0, dot))) {
        if (k.substring(0, dot).equals(command) && !knownKeys.contains(k.substring(dot + 1))) {
          unknown.add(k);
        }
      } else if (!knownKeys.contains(k)) {
        unknown.add(k);
      }
    }
    return unknown;
  }

  public Path path() {
    return path;
  }
}
