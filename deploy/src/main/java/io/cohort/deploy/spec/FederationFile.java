package io.cohort.deploy.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cohort.deploy.UserError;
import io.cohort.model.identity.Identity;
import io.cohort.proto.v1.FederationSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A federation spec file (YAML). Top-level keys:
 *
 * <ul>
 *   <li>{@code federation}: the {@code cohort.v1.FederationSpec} fields in snake_case (model,
 *       strategy, rounds, quorum, deadlines, train...). {@code model.input_features}, {@code
 *       model.num_classes} and {@code schema_fingerprint} are filled in from the schema.
 *   <li>{@code schema}: path of the schema YAML every node uses (relative to the spec file), or
 *       {@code builtin:heart} for the bundled heart-disease schema.
 *   <li>{@code validation}: optional CSV (same schema) the coordinator scores contributions and
 *       prices versions on; {@code builtin:heart} uses the union of the sites' held-out splits.
 *   <li>{@code nodes} (demo only): one entry per edge client: {@code id} ({@code
 *       [a-z0-9_-]{1,64}}, unique), {@code csv} (relative to the spec file; required unless the
 *       schema is built in, whose data then gives the node the rows of {@code site}, by default
 *       the node id). No other keys.
 * </ul>
 *
 * <p>The format, with an example, is in docs/spec.md.
 */
public record FederationFile(FederationSpec spec, String schema, String validation, Path baseDir,
    List<NodeEntry> nodes) {

  /** One node of a demo federation. */
  public record NodeEntry(String id, String csv, String site) {}

  /** The keys a node entry may have. */
  static final List<String> NODE_KEYS = List.of("id", "csv", "site");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  public static FederationFile load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserError("spec file " + file + " does not exist");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(YAML.readTree(in), file.toAbsolutePath().getParent(), file.toString());
    } catch (IOException e) {
      String at = e instanceof JsonProcessingException j && j.getLocation() != null
          ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr()
          : "";
      throw new UserError("spec file " + file + " is not valid YAML" + at + ": " + firstLine(e));
    }
  }

  public static FederationFile loadResource(String resource) {
    try (InputStream in = FederationFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing built-in spec " + resource);
      }
      return parse(YAML.readTree(in), null, resource);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static FederationFile parse(JsonNode root, Path baseDir, String name) {
    if (root == null || !root.isObject()) {
      throw new UserError("spec " + name + " must be a YAML mapping");
    }
    List<String> known = List.of("federation", "schema", "validation", "nodes");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new UserError("spec " + name + ": unknown top-level key '" + key + "' (use "
            + known + ")");
      }
    }
    JsonNode fed = root.get("federation");
    if (fed == null || !fed.isObject()) {
      throw new UserError("spec " + name + ": missing 'federation' section");
    }
    FederationSpec.Builder spec = FederationSpec.newBuilder();
    try {
      JsonFormat.parser().merge(JSON.writeValueAsString(fed), spec);
    } catch (InvalidProtocolBufferException e) {
      throw new UserError("spec " + name + ", section federation: " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String schema = root.path("schema").asText("");
    if (schema.isEmpty()) {
      throw new UserError("spec " + name + ": missing 'schema' (a schema file path or"
          + " builtin:heart)");
    }
    List<NodeEntry> nodes = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    JsonNode nodeList = root.path("nodes");
    if (!nodeList.isMissingNode() && !nodeList.isNull() && !nodeList.isArray()) {
      throw new UserError("spec " + name + ": 'nodes' must be a list of entries like '- id:"
          + " cleveland'");
    }
    for (JsonNode n : nodeList) {
      if (!n.isObject()) {
        throw new UserError("spec " + name + ": every entry of 'nodes' must be a mapping with"
            + " an 'id', got " + n);
      }
      String id = n.path("id").asText("");
      if (id.isEmpty()) {
        throw new UserError("spec " + name + ": every node needs an 'id'");
      }
      if (!Identity.ID.matcher(id).matches()) {
        throw new UserError("spec " + name + ": node id '" + id + "' must match "
            + Identity.ID.pattern());
      }
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!NODE_KEYS.contains(key)) {
          throw new UserError("spec " + name + ": node " + id + " has an unknown key '" + key
              + "' (use " + NODE_KEYS + ")");
        }
      }
      if (!ids.add(id)) {
        throw new UserError("spec " + name + ": node id '" + id + "' is used twice");
      }
      String csv = n.path("csv").asText("");
      if (csv.isEmpty() && !schema.startsWith("builtin:")) {
        throw new UserError("spec " + name + ": node " + id + " needs a 'csv' (its data file);"
            + " only built-in data (schema builtin:heart) may leave it out");
      }
      if (!csv.isEmpty() && baseDir != null && !Files.isRegularFile(baseDir.resolve(csv))) {
        throw new UserError("spec " + name + ": node " + id + " csv file "
            + baseDir.resolve(csv) + " does not exist");
      }
      nodes.add(new NodeEntry(id, csv, n.path("site").asText("")));
    }
    if (!schema.startsWith("builtin:") && baseDir != null
        && !Files.isRegularFile(baseDir.resolve(schema))) {
      throw new UserError("spec " + name + ": schema file " + baseDir.resolve(schema)
          + " does not exist");
    }
    String validation = root.path("validation").asText("");
    // builtin:heart names the preset's held-out rows, not a file (also in a spec on disk).
    if (validation.startsWith("builtin:") && !validation.equals("builtin:heart")) {
      throw new UserError("spec " + name + ": unknown built-in validation set '" + validation
          + "': use builtin:heart or a CSV file path");
    }
    if (!validation.isEmpty() && !validation.startsWith("builtin:") && baseDir != null
        && !Files.isRegularFile(baseDir.resolve(validation))) {
      throw new UserError("spec " + name + ": validation file " + baseDir.resolve(validation)
          + " does not exist");
    }
    return new FederationFile(spec.build(), schema, validation, baseDir, nodes);
  }

  /** Resolves a path given in the spec against the spec file's folder. */
  public Path resolve(String path) {
    return baseDir == null ? Path.of(path) : baseDir.resolve(path);
  }

  /** A copy with top-level federation fields overridden (demo flags). */
  public FederationFile withSpec(FederationSpec newSpec) {
    return new FederationFile(newSpec, schema, validation, baseDir, nodes);
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

}
