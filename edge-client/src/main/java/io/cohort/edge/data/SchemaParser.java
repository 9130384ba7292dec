package io.cohort.edge.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cohort.edge.data.DataSchema.Classes;
import io.cohort.edge.data.DataSchema.Feature;
import io.cohort.edge.data.DataSchema.FeatureType;
import io.cohort.edge.data.DataSchema.Label;
import io.cohort.edge.data.DataSchema.LabelRule;
import io.cohort.edge.data.DataSchema.MissingPolicy;
import io.cohort.edge.data.DataSchema.Normalization;
import io.cohort.edge.data.DataSchema.PositiveAbove;
import io.cohort.edge.data.DataSchema.PositiveValues;
import io.cohort.edge.data.DataSchema.Scaling;
import io.cohort.edge.data.DataSchema.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns schema YAML into a {@link DataSchema}, refusing anything unexpected with a message that
 * names the file, the place ({@code features[2] (cp).type}) and the problem.
 */
final class SchemaParser {

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final String source;

  private SchemaParser(String source) {
    this.source = source;
  }

  static DataSchema parse(Path file) {
    String text;
    try (java.io.BufferedReader in = DataException.open(file, "schema " + file)) {
      java.io.StringWriter all = new java.io.StringWriter();
      in.transferTo(all);
      text = all.toString();
    } catch (IOException e) {
      throw DataException.cannotRead("schema " + file, e);
    }
    return parse(text, file.toString());
  }

  static DataSchema parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ", column "
          + at.getColumnNr() + ")";
      throw new DataException("schema " + source + ": not valid YAML: "
          + e.getOriginalMessage().lines().findFirst().orElse("") + where, e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new DataException("schema " + source + ": the file is empty");
    }
    return new SchemaParser(source).schema(root);
  }

  private DataSchema schema(JsonNode root) {
    requireKeys(root, "top level", "label", "features", "ignore", "missing", "normalization",
        "site_column", "site", "split");
    Label label = label(required(root, "label", "top level"));
    Normalization normalization = root.has("normalization")
        ? choice(root.get("normalization"), "normalization", "mode", Normalization.class)
        : Normalization.LOCAL;
    List<Feature> features = features(required(root, "features", "top level"),
        normalization == Normalization.FIXED);
    List<String> ignore = optionalTexts(root, "ignore");
    JsonNode missing = root.path("missing");
    List<String> markers = DataSchema.DEFAULT_MISSING_MARKERS;
    MissingPolicy policy = MissingPolicy.DROP_ROW;
    if (!missing.isMissingNode()) {
      requireKeys(missing, "missing", "markers", "policy");
      if (missing.has("markers")) {
        markers = texts(missing.get("markers"), "missing.markers");
      }
      if (missing.has("policy")) {
        policy = choice(missing.get("policy"), "missing.policy", "policy", MissingPolicy.class);
      }
    }
    Optional<String> siteColumn = optionalName(root, "site_column");
    Optional<String> site = root.has("site")
        ? Optional.of(text(root.get("site"), "site")) : Optional.empty();
    if (site.isPresent() && siteColumn.isEmpty()) {
      throw error("top level", "'site' needs 'site_column' to say which column holds the site");
    }
    Split split = root.has("split") ? split(root.get("split")) : Split.DEFAULT;
    checkColumnRoles(label, features, ignore, siteColumn);
    return new DataSchema(label, features, ignore, markers, policy, normalization, siteColumn,
        site, split);
  }

  private Label label(JsonNode node) {
    requireKeys(node, "label", "column", "classes", "positive", "positive_above");
    String column = name(required(node, "column", "label"), "label.column");
    List<String> rules = new ArrayList<>();
    node.fieldNames().forEachRemaining(k -> {
      if (!k.equals("column")) {
        rules.add(k);
      }
    });
    if (rules.size() != 1) {
      throw error("label", "give exactly one of 'classes', 'positive' or 'positive_above'"
          + (rules.isEmpty() ? "" : ", not " + String.join(" and ", rules)));
    }
    LabelRule rule = switch (rules.get(0)) {
      case "classes" -> {
        List<String> classes = distinctValues(node.get("classes"), "label.classes");
        if (classes.size() < 2) {
          throw error("label.classes", "needs at least two classes, got " + classes.size());
        }
        yield new Classes(classes);
      }
      case "positive" -> {
        List<String> values = distinctValues(node.get("positive"), "label.positive");
        if (values.isEmpty()) {
          throw error("label.positive", "needs at least one value");
        }
        yield new PositiveValues(values);
      }
      default -> new PositiveAbove(number(node.get("positive_above"), "label.positive_above"));
    };
    return new Label(column, rule);
  }

  private List<Feature> features(JsonNode node, boolean fixedScaling) {
    if (!node.isArray() || node.isEmpty()) {
      throw error("features", "expected a non-empty list of features");
    }
    List<Feature> features = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode f = node.get(i);
      String at = "features[" + i + "]";
      if (f.path("name").isValueNode()) {
        at += " (" + f.get("name").asText().trim() + ")";
      }
      requireKeys(f, at, "name", "type", "categories", "missing", "center", "scale");
      String name = name(required(f, "name", at), at + ".name");
      if (!names.add(name)) {
        throw error(at, "feature '" + name + "' is listed twice");
      }
      FeatureType type = choice(required(f, "type", at), at + ".type", "type",
          FeatureType.class);
      List<String> categories = List.of();
      if (type == FeatureType.CATEGORICAL) {
        categories = distinctValues(required(f, "categories", at), at + ".categories");
        if (categories.isEmpty()) {
          throw error(at + ".categories", "needs at least one category");
        }
      } else if (f.has("categories")) {
        throw error(at, "'categories' applies only to type categorical");
      }
      List<String> missing = f.has("missing") ? texts(f.get("missing"), at + ".missing")
          : List.of();
      features.add(new Feature(name, type, categories, missing,
          scaling(f, at, type == FeatureType.NUMERIC && fixedScaling)));
    }
    return features;
  }

  /** {@code center} and {@code scale}: required when {@code wanted}, refused otherwise. */
  private Optional<Scaling> scaling(JsonNode feature, String at, boolean wanted) {
    if (!wanted) {
      if (feature.has("center") || feature.has("scale")) {
        throw error(at, "'center' and 'scale' apply only to numeric features under "
            + "normalization: fixed");
      }
      return Optional.empty();
    }
    for (String key : List.of("center", "scale")) {
      if (!feature.hasNonNull(key)) {
        throw error(at, "'" + key + "' is required for a numeric feature under normalization: "
            + "fixed");
      }
    }
    double center = number(feature.get("center"), at + ".center");
    double scale = number(feature.get("scale"), at + ".scale");
    if (!(scale > 0)) {
      throw error(at + ".scale", "must be greater than 0, got " + feature.get("scale").asText());
    }
    return Optional.of(new Scaling(center, scale));
  }

  private Split split(JsonNode node) {
    requireKeys(node, "split", "train_fraction", "seed");
    double fraction = Split.DEFAULT.trainFraction();
    long seed = Split.DEFAULT.seed();
    if (node.has("train_fraction")) {
      fraction = number(node.get("train_fraction"), "split.train_fraction");
      if (!(fraction > 0 && fraction < 1)) {
        throw error("split.train_fraction", "must be between 0 and 1 (exclusive), got "
            + node.get("train_fraction").asText());
      }
    }
    if (node.has("seed")) {
      JsonNode s = node.get("seed");
      if (!s.isIntegralNumber() || !s.canConvertToLong()) {
        throw error("split.seed", "expected an integer, got '" + s.asText() + "'");
      }
      seed = s.asLong();
    }
    return new Split(fraction, seed);
  }

  /** A column plays at most one role: feature, label, site column or ignored. */
  private void checkColumnRoles(Label label, List<Feature> features, List<String> ignore,
      Optional<String> siteColumn) {
    Set<String> seen = new HashSet<>();
    seen.add(label.column());
    for (Feature f : features) {
      if (f.name().equals(label.column())) {
        throw error("features", "'" + f.name() + "' is the label column and cannot be a feature");
      }
      seen.add(f.name());
    }
    if (siteColumn.isPresent() && !seen.add(siteColumn.get())) {
      throw error("site_column", "'" + siteColumn.get()
          + "' is already the label or a feature");
    }
    for (String column : ignore) {
      if (!seen.add(column)) {
        throw error("ignore", "'" + column
            + "' is already the label, a feature, the site column or listed twice");
      }
    }
  }

  private void requireKeys(JsonNode node, String at, String... known) {
    if (!node.isObject()) {
      throw error(at, "expected a mapping with keys " + String.join(", ", known) + ", got "
          + describe(node));
    }
    List<String> knownKeys = Arrays.asList(known);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!knownKeys.contains(key)) {
        throw error(at, "unknown key '" + key + "' (known keys: " + String.join(", ", known)
            + ")");
      }
    }
  }

  private JsonNode required(JsonNode node, String key, String at) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw error(at, "'" + key + "' is required");
    }
    return value;
  }

  private String text(JsonNode node, String at) {
    if (!node.isValueNode() || node.isNull()) {
      throw error(at, "expected a single value, got " + describe(node));
    }
    return node.asText();
  }

  /** A column name: a non-blank value, trimmed as CSV header names are. */
  private String name(JsonNode node, String at) {
    String name = text(node, at).trim();
    if (name.isEmpty()) {
      throw error(at, "must not be empty");
    }
    return name;
  }

  private Optional<String> optionalName(JsonNode node, String key) {
    return node.has(key) ? Optional.of(name(node.get(key), key)) : Optional.empty();
  }

  private List<String> texts(JsonNode node, String at) {
    if (!node.isArray()) {
      throw error(at, "expected a list, got " + describe(node));
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      values.add(text(node.get(i), at + "[" + i + "]"));
    }
    return values;
  }

  private List<String> optionalTexts(JsonNode node, String key) {
    return node.has(key) ? texts(node.get(key), key) : List.of();
  }

  private List<String> distinctValues(JsonNode node, String at) {
    List<String> values = texts(node, at).stream().map(String::trim).toList();
    try {
      new CategoryIndex(values);
    } catch (IllegalArgumentException e) {
      throw error(at, e.getMessage());
    }
    return values;
  }

  private double number(JsonNode node, String at) {
    if (!node.isNumber()) {
      throw error(at, "expected a number, got '" + node.asText() + "'");
    }
    return node.asDouble();
  }

  private <E extends Enum<E>> E choice(JsonNode node, String at, String noun, Class<E> type) {
    String value = text(node, at);
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(Locale.ROOT);
      if (name.equals(value)) {
        return e;
      }
      names.add(name);
    }
    throw error(at, "unknown " + noun + " '" + value + "' (use one of: " + String.join(", ", names)
        + ")");
  }

  private static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.isNull() ? "nothing" : "'" + node.asText() + "'";
  }

  private DataException error(String at, String problem) {
    return new DataException("schema " + source + ": " + at + ": " + problem);
  }
}
