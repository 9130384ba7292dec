package io.cohort.deploy.spec;

import io.cohort.deploy.UserError;
import io.cohort.edge.data.Csv;
import io.cohort.edge.data.DataException;
import io.cohort.edge.data.DataSchema;
import io.cohort.edge.data.HeartDisease;
import io.cohort.edge.data.LocalDataset;
import io.cohort.edge.data.TabularData;
import io.cohort.model.inference.ValidationSet;
import io.cohort.proto.v1.FederationSpec;
import io.cohort.proto.v1.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Binds a federation spec to its data schema: the model's input width and class count and the
 * schema fingerprint every node must present come from the schema, never typed by hand. Also
 * writes the files a demo node needs (schema, its own rows) into the demo folder.
 */
public final class SchemaBinding {

  public static final String BUILTIN_HEART = "builtin:heart";

  private SchemaBinding() {}

  /** A spec with model.input_features, model.num_classes and schema_fingerprint filled in. */
  public record Bound(FederationSpec spec, ValidationSet validation) {}

  public static Bound bind(FederationFile file) {
    FederationSpec spec = file.spec(); // FederationFile.parse insists on a schema
    DataSchema schema = schema(file);
    ModelSpec model = spec.getModel().toBuilder().setInputFeatures(schema.inputFeatures())
        .setNumClasses(schema.numClasses()).build();
    return new Bound(spec.toBuilder().setModel(model)
        .setSchemaFingerprint(schema.fingerprint()).build(), validation(file));
  }

  /** The operator's validation set named by the spec, if any. */
  static ValidationSet validation(FederationFile file) {
    String v = file.validation();
    if (v.isEmpty()) {
      return null;
    }
    TabularData data;
    if (v.equals(BUILTIN_HEART)) {
      data = HeartDisease.pooledHeldOut();
    } else {
      LocalDataset all;
      try {
        all = LocalDataset.load(Csv.read(file.resolve(v)), schema(file));
      } catch (DataException | IllegalArgumentException e) {
        throw new UserError("validation set: " + e.getMessage());
      }
      data = concat(all.train(), all.eval());
    }
    return new ValidationSet(data.features(), data.labels(), data.numFeatures(),
        data.numClasses());
  }

  private static TabularData concat(TabularData a, TabularData b) {
    float[] f = java.util.Arrays.copyOf(a.features(), a.features().length + b.features().length);
    System.arraycopy(b.features(), 0, f, a.features().length, b.features().length);
    int[] l = java.util.Arrays.copyOf(a.labels(), a.rows() + b.rows());
    System.arraycopy(b.labels(), 0, l, a.rows(), b.rows());
    return new TabularData(f, l, a.numFeatures(), a.numClasses());
  }

  static DataSchema schema(FederationFile file) {
    if (file.schema().equals(BUILTIN_HEART)) {
      return HeartDisease.schema();
    }
    if (file.schema().startsWith("builtin:")) {
      throw new UserError("unknown built-in schema '" + file.schema() + "': use "
          + BUILTIN_HEART + " or a schema file path");
    }
    return DataSchema.parse(file.resolve(file.schema()));
  }

  /**
   * Reads every node's data against the schema as its edge client will, so that a CSV that does
   * not match is refused, naming the node and the problem, before a demo starts anything.
   *
   * @throws UserError naming the node and what is wrong with its data
   */
  public static void checkNodeData(FederationFile file) {
    DataSchema schema = schema(file);
    for (FederationFile.NodeEntry node : file.nodes()) {
      if (node.csv().isEmpty()) {
        builtInSite(file, node);
        continue;
      }
      try {
        LocalDataset.load(Csv.read(file.resolve(node.csv())), schema);
      } catch (DataException | IllegalArgumentException e) {
        throw new UserError("node " + node.id() + ": " + e.getMessage());
      }
    }
  }

  /** The schema file nodes read: the spec's, or the built-in one written into {@code dir}. */
  public static Path materializeSchema(FederationFile file, Path dir) {
    if (!file.schema().equals(BUILTIN_HEART)) {
      return file.resolve(file.schema()).toAbsolutePath();
    }
    Path target = dir.resolve("schema.yaml");
    HeartDisease.writeSchema(target);
    return target.toAbsolutePath();
  }

  /** The CSV a node reads: its spec entry's, or its site's rows of the built-in data. */
  public static Path materializeNodeCsv(FederationFile file, FederationFile.NodeEntry node,
      Path dir) {
    if (!node.csv().isEmpty()) {
      return file.resolve(node.csv()).toAbsolutePath();
    }
    String site = builtInSite(file, node);
    try {
      Files.createDirectories(dir.resolve("nodes"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path target = dir.resolve("nodes").resolve(node.id() + ".csv");
    HeartDisease.writeSiteCsv(site, target);
    return target.toAbsolutePath();
  }

  /** The built-in site whose rows a node without a CSV gets. */
  private static String builtInSite(FederationFile file, FederationFile.NodeEntry node) {
    if (!file.schema().equals(BUILTIN_HEART)) {
      throw new UserError("node " + node.id() + " has no 'csv' in the spec");
    }
    String site = node.site().isEmpty() ? node.id() : node.site();
    if (!HeartDisease.sites().contains(site)) {
      throw new UserError("node " + node.id() + ": the built-in heart data has no site '" + site
          + "' (sites: " + HeartDisease.sites() + ")");
    }
    return site;
  }
}
