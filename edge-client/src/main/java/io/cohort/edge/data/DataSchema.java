package io.cohort.edge.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cohort.model.codec.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a node's CSV file holds and how it becomes model input: the label and its classes, the
 * features in order (numeric, or categorical with a fixed list of categories that is one-hot
 * encoded), missing-value markers and policy, ignored columns, normalisation, an optional site
 * filter and the train / held-out split. Read from YAML with {@link #parse(Path)}; the format is
 * described in {@code docs/data-schema.md}.
 *
 * <p>Every node of a federation must turn its rows into the same feature layout. {@link
 * #fingerprint()} hashes exactly what decides that layout and its meaning, so two nodes agree on
 * the fingerprint if and only if their schemas are equivalent for the model.
 */
public record DataSchema(
    Label label,
    List<Feature> features,
    List<String> ignore,
    List<String> missingMarkers,
    MissingPolicy missingPolicy,
    Normalization normalization,
    Optional<String> siteColumn,
    Optional<String> site,
    Split split) {

  /** Missing-value markers when the schema names none: an empty cell, {@code ?} and {@code NA}. */
  public static final List<String> DEFAULT_MISSING_MARKERS = List.of("", "?", "NA");

  /** Version tag inside the canonical form; change it only with the canonical form itself. */
  static final String CANONICAL_FORMAT = "cohort.data-schema/1";

  public DataSchema {
    Objects.requireNonNull(label, "label");
    features = List.copyOf(features);
    ignore = List.copyOf(ignore);
    missingMarkers = List.copyOf(missingMarkers);
    Objects.requireNonNull(missingPolicy, "missingPolicy");
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(siteColumn, "siteColumn");
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(split, "split");
  }

  /** Reads and validates a schema file. */
  public static DataSchema parse(Path yamlFile) {
    return SchemaParser.parse(yamlFile);
  }

  /** Reads and validates schema text; {@code source} names it in error messages. */
  public static DataSchema parse(String yaml, String source) {
    return SchemaParser.parse(yaml, source);
  }

  /** The same schema, keeping only the rows whose site column holds {@code siteName}. */
  public DataSchema withSite(String siteName) {
    if (siteColumn.isEmpty()) {
      throw new DataException("cannot select site '" + siteName + "': the schema has no "
          + "site_column");
    }
    return new DataSchema(label, features, ignore, missingMarkers, missingPolicy, normalization,
        siteColumn, Optional.of(siteName), split);
  }

  /** The model's input width: one column per numeric feature, one per category otherwise. */
  public int inputFeatures() {
    return features.stream().mapToInt(Feature::width).sum();
  }

  public int numClasses() {
    return label.rule().classNames().size();
  }

  /** Names of the model's input columns in order: {@code age}, {@code cp=1}, {@code cp=2}... */
  public List<String> inputFeatureNames() {
    List<String> names = new ArrayList<>();
    for (Feature f : features) {
      if (f.type() == FeatureType.NUMERIC) {
        names.add(f.name());
      } else {
        f.categories().forEach(c -> names.add(f.name() + "=" + c));
      }
    }
    return names;
  }

  /**
   * The schema reduced to what fixes the model's inputs and outputs, as compact JSON with a fixed
   * key order: features in order with their types, categories and fixed scaling constants, the
   * label's classes, and the normalisation mode. Left out, because they are each node's own
   * business: column names of the label and site, ignored columns, missing markers and policy,
   * the site and the split.
   */
  public String canonicalForm() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("format", CANONICAL_FORMAT);
    ArrayNode featureNodes = root.putArray("features");
    for (Feature f : features) {
      ObjectNode node = featureNodes.addObject();
      node.put("name", f.name());
      node.put("type", f.type().yamlName());
      if (f.type() == FeatureType.CATEGORICAL) {
        ArrayNode categories = node.putArray("categories");
        f.categories().forEach(categories::add);
      }
      f.scaling().ifPresent(sc -> node.put("center", sc.center()).put("scale", sc.scale()));
    }
    ArrayNode classes = root.putObject("label").putArray("classes");
    label.rule().classNames().forEach(classes::add);
    root.put("normalization", normalization.yamlName());
    return root.toString();
  }

  /** SHA-256 of {@link #canonicalForm()} in UTF-8, as 64 lowercase hex digits. */
  public String fingerprint() {
    return Sha256.of(canonicalForm().getBytes(StandardCharsets.UTF_8));
  }

  /** The label column and how its values become class indices. */
  public record Label(String column, LabelRule rule) {
    public Label {
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(rule, "rule");
    }
  }

  /** How label values map to classes. */
  public sealed interface LabelRule {
    /** Class names by class index. */
    List<String> classNames();
  }

  /** Class i is the value {@code classes.get(i)}; any other value is an error. */
  public record Classes(List<String> classes) implements LabelRule {
    public Classes {
      classes = List.copyOf(classes);
    }

    @Override
    public List<String> classNames() {
      return classes;
    }
  }

  /** Binary: class 1 ("positive") for the listed values, class 0 for any other value. */
  public record PositiveValues(List<String> values) implements LabelRule {
    public PositiveValues {
      values = List.copyOf(values);
    }

    @Override
    public List<String> classNames() {
      return BINARY;
    }
  }

  /** Binary: class 1 when the numeric label is greater than {@code threshold}, else class 0. */
  public record PositiveAbove(double threshold) implements LabelRule {
    @Override
    public List<String> classNames() {
      return BINARY;
    }
  }

  private static final List<String> BINARY = List.of("0", "1");

  /**
   * One input column of the CSV file. {@code scaling} is given for numeric features exactly when
   * the normalisation is {@link Normalization#FIXED}.
   */
  public record Feature(String name, FeatureType type, List<String> categories,
      List<String> missingMarkers, Optional<Scaling> scaling) {

    public Feature {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      categories = List.copyOf(categories);
      missingMarkers = List.copyOf(missingMarkers);
      Objects.requireNonNull(scaling, "scaling");
    }

    public static Feature numeric(String name) {
      return new Feature(name, FeatureType.NUMERIC, List.of(), List.of(), Optional.empty());
    }

    public static Feature categorical(String name, List<String> categories) {
      return new Feature(name, FeatureType.CATEGORICAL, categories, List.of(), Optional.empty());
    }

    /** Model input columns this feature takes. */
    public int width() {
      return type == FeatureType.NUMERIC ? 1 : categories.size();
    }
  }

  public enum FeatureType {
    NUMERIC, CATEGORICAL;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What happens to a row with a missing feature value. Rows without a label are dropped. */
  public enum MissingPolicy {
    /** Drop the row. */
    DROP_ROW,
    /**
     * Replace the missing value by the mean of that input column over the training split
     * (for a categorical feature: the training split's category frequencies).
     */
    MEAN;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Normalization {
    /** z-score with mean and standard deviation of the node's own training split; std 0 -> 1. */
    LOCAL,
    /**
     * {@code (value - center) / scale} with constants written in the schema for every numeric
     * feature, the same at every node (one-hot columns stay 0/1). Nothing about local data is
     * used, so all sites keep the between-site differences a shared model can learn from.
     */
    FIXED,
    /** Values as they are. */
    NONE;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The constants of {@link Normalization#FIXED} for one numeric feature; {@code scale > 0}. */
  public record Scaling(double center, double scale) {
    public Scaling {
      if (!Double.isFinite(center) || !(scale > 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException("need a finite center and a finite scale > 0, got "
            + center + " and " + scale);
      }
    }
  }

  /** A stratified split: about {@code trainFraction} of each class trains, the rest is held out. */
  public record Split(double trainFraction, long seed) {
    public static final Split DEFAULT = new Split(0.66, 42);

    public Split {
      if (!(trainFraction > 0 && trainFraction < 1)) {
        throw new IllegalArgumentException("train fraction must be in (0, 1), got "
            + trainFraction);
      }
    }
  }
}
