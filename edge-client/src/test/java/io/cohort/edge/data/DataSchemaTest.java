package io.cohort.edge.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.edge.data.DataSchema.Classes;
import io.cohort.edge.data.DataSchema.Feature;
import io.cohort.edge.data.DataSchema.FeatureType;
import io.cohort.edge.data.DataSchema.MissingPolicy;
import io.cohort.edge.data.DataSchema.Normalization;
import io.cohort.edge.data.DataSchema.PositiveAbove;
import io.cohort.edge.data.DataSchema.PositiveValues;
import io.cohort.edge.data.DataSchema.Scaling;
import io.cohort.edge.data.DataSchema.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSchemaTest {

  static final String FULL = """
      label: {column: target, classes: ["0", "1"]}
      features:
        - {name: age, type: numeric}
        - {name: chol, type: numeric, missing: ["0"]}
        - {name: cp, type: categorical, categories: [1, 2, 3, 4]}
      ignore: [num]
      missing: {markers: ["", "?", "NA"], policy: mean}
      normalization: none
      site_column: site
      site: cleveland
      split: {train_fraction: 0.8, seed: 7}
      """;

  private static DataSchema parse(String yaml) {
    return DataSchema.parse(yaml, "s.yaml");
  }

  private static void assertRefused(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(DataException.class)
        .hasMessage("schema s.yaml: " + message);
  }

  @Test
  void everyKeyIsRead() {
    DataSchema s = parse(FULL);

    assertThat(s.label().column()).isEqualTo("target");
    assertThat(s.label().rule()).isEqualTo(new Classes(List.of("0", "1")));
    assertThat(s.features()).containsExactly(
        Feature.numeric("age"),
        new Feature("chol", FeatureType.NUMERIC, List.of(), List.of("0"), Optional.empty()),
        Feature.categorical("cp", List.of("1", "2", "3", "4")));
    assertThat(s.ignore()).containsExactly("num");
    assertThat(s.missingMarkers()).containsExactly("", "?", "NA");
    assertThat(s.missingPolicy()).isEqualTo(MissingPolicy.MEAN);
    assertThat(s.normalization()).isEqualTo(Normalization.NONE);
    assertThat(s.siteColumn()).contains("site");
    assertThat(s.site()).contains("cleveland");
    assertThat(s.split()).isEqualTo(new Split(0.8, 7));
  }

  @Test
  void omittedKeysTakeTheirDefaults() {
    DataSchema s = parse("""
        label: {column: y, classes: [a, b]}
        features: [{name: x, type: numeric}]
        """);

    assertThat(s.missingMarkers()).isEqualTo(DataSchema.DEFAULT_MISSING_MARKERS);
    assertThat(s.missingPolicy()).isEqualTo(MissingPolicy.DROP_ROW);
    assertThat(s.normalization()).isEqualTo(Normalization.LOCAL);
    assertThat(s.ignore()).isEmpty();
    assertThat(s.siteColumn()).isEmpty();
    assertThat(s.site()).isEmpty();
    assertThat(s.split()).isEqualTo(new Split(0.66, 42));
  }

  @Test
  void positiveClassRulesAreBinary() {
    DataSchema values = parse("""
        label: {column: num, positive: [1, 2, 3, 4]}
        features: [{name: x, type: numeric}]
        """);
    DataSchema above = parse("""
        label: {column: num, positive_above: 0}
        features: [{name: x, type: numeric}]
        """);

    assertThat(values.label().rule()).isEqualTo(new PositiveValues(List.of("1", "2", "3", "4")));
    assertThat(above.label().rule()).isEqualTo(new PositiveAbove(0));
    assertThat(values.numClasses()).isEqualTo(2);
    assertThat(above.label().rule().classNames()).containsExactly("0", "1");
  }

  @Test
  void inputFeaturesCountOneColumnPerCategory() {
    DataSchema s = parse(FULL);

    assertThat(s.inputFeatures()).isEqualTo(6);
    assertThat(s.inputFeatureNames()).containsExactly("age", "chol", "cp=1", "cp=2", "cp=3",
        "cp=4");
  }

  @Test
  void readsAFile(
      @TempDir(factory = BuildTempDir.class) Path dir) throws Exception {
    Path file = dir.resolve("schema.yaml");
    Files.writeString(file, FULL);

    assertThat(DataSchema.parse(file)).isEqualTo(parse(FULL));
  }

  @Test
  void aMissingFileIsADataException(
      @TempDir(factory = BuildTempDir.class) Path dir) {
    assertThatThrownBy(() -> DataSchema.parse(dir.resolve("nope.yaml")))
        .isInstanceOf(DataException.class).hasMessageEndingWith("nope.yaml does not exist")
        .hasMessageStartingWith("schema ");
    assertThatThrownBy(() -> Csv.read(dir.resolve("nope.csv")))
        .isInstanceOf(DataException.class).hasMessageEndingWith("nope.csv does not exist");
    assertThatThrownBy(() -> Csv.read(dir))
        .isInstanceOf(DataException.class).hasMessageEndingWith("is a directory, not a file");
  }

  @Test
  void withSiteNeedsASiteColumn() {
    DataSchema s = parse("""
        label: {column: y, classes: [a, b]}
        features: [{name: x, type: numeric}]
        """);

    assertThatThrownBy(() -> s.withSite("x")).isInstanceOf(DataException.class)
        .hasMessage("cannot select site 'x': the schema has no site_column");
    assertThat(parse(FULL).withSite("va").site()).isEqualTo(Optional.of("va"));
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    assertRefused(FULL + "normalisation: local\n", "top level: unknown key 'normalisation' "
        + "(known keys: label, features, ignore, missing, normalization, site_column, site, "
        + "split)");
  }

  @Test
  void unknownFeatureKeyIsNamedWithItsFeature() {
    assertRefused("""
        label: {column: y, classes: [a, b]}
        features: [{name: x, type: categorical, categries: [a]}]
        """, "features[0] (x): unknown key 'categries' (known keys: name, type, categories, "
        + "missing, center, scale)");
  }

  @Test
  void unknownTypeIsNamed() {
    assertRefused("""
        label: {column: y, classes: [a, b]}
        features:
          - {name: x, type: numeric}
          - {name: cp, type: categoric, categories: [a]}
        """, "features[1] (cp).type: unknown type 'categoric' (use one of: numeric, "
        + "categorical)");
  }

  @Test
  void unknownPolicyAndNormalizationAreNamed() {
    String base = """
        label: {column: y, classes: [a, b]}
        features: [{name: x, type: numeric}]
        """;
    assertRefused(base + "missing: {policy: median}\n", "missing.policy: unknown policy "
        + "'median' (use one of: drop_row, mean)");
    assertRefused(base + "normalization: global\n", "normalization: unknown mode 'global' "
        + "(use one of: local, fixed, none)");
  }

  @Test
  void labelNeedsExactlyOneRule() {
    String features = "features: [{name: x, type: numeric}]\n";
    assertRefused("label: {column: y}\n" + features, "label: give exactly one of 'classes', "
        + "'positive' or 'positive_above'");
    assertRefused("label: {column: y, classes: [a, b], positive: [a]}\n" + features,
        "label: give exactly one of 'classes', 'positive' or 'positive_above', not classes and "
            + "positive");
    assertRefused("label: {classes: [a, b]}\n" + features, "label: 'column' is required");
    assertRefused(features, "top level: 'label' is required");
  }

  @Test
  void classesMustBeAtLeastTwoAndDistinct() {
    String features = "features: [{name: x, type: numeric}]\n";
    assertRefused("label: {column: y, classes: [a]}\n" + features,
        "label.classes: needs at least two classes, got 1");
    assertRefused("label: {column: y, classes: [\"1\", \"1.0\"]}\n" + features,
        "label.classes: '1' and '1.0' are the same value");
  }

  @Test
  void categoricalFeaturesNeedDistinctCategoriesAndNumericOnesNone() {
    String label = "label: {column: y, classes: [a, b]}\n";
    assertRefused(label + "features: [{name: x, type: categorical}]\n",
        "features[0] (x): 'categories' is required");
    assertRefused(label + "features: [{name: x, type: categorical, categories: []}]\n",
        "features[0] (x).categories: needs at least one category");
    assertRefused(label + "features: [{name: x, type: categorical, categories: [a, a]}]\n",
        "features[0] (x).categories: 'a' and 'a' are the same value");
    assertRefused(label + "features: [{name: x, type: numeric, categories: [a]}]\n",
        "features[0] (x): 'categories' applies only to type categorical");
  }

  @Test
  void eachColumnHasOneRole() {
    String label = "label: {column: y, classes: [a, b]}\n";
    assertRefused(label + "features: [{name: x, type: numeric}, {name: x, type: numeric}]\n",
        "features[1] (x): feature 'x' is listed twice");
    assertRefused(label + "features: [{name: y, type: numeric}]\n",
        "features: 'y' is the label column and cannot be a feature");
    assertRefused(label + "features: [{name: x, type: numeric}]\nignore: [x]\n",
        "ignore: 'x' is already the label, a feature, the site column or listed twice");
    assertRefused(label + "features: [{name: x, type: numeric}]\nsite_column: x\n",
        "site_column: 'x' is already the label or a feature");
  }

  @Test
  void fixedNormalizationReadsCenterAndScaleOfEveryNumericFeature() {
    DataSchema s = parse("""
        label: {column: y, classes: [a, b]}
        features:
          - {name: x, type: numeric, center: 50, scale: 10}
          - {name: c, type: categorical, categories: [a, b]}
        normalization: fixed
        """);

    assertThat(s.features().get(0).scaling()).contains(new Scaling(50, 10));
    assertThat(s.features().get(1).scaling()).isEmpty();
  }

  @Test
  void fixedScalingIsRequiredExactlyUnderFixedNormalization() {
    String label = "label: {column: y, classes: [a, b]}\n";
    assertRefused(label + "features: [{name: x, type: numeric, center: 1}]\n"
        + "normalization: fixed\n",
        "features[0] (x): 'scale' is required for a numeric feature under normalization: fixed");
    assertRefused(label + "features: [{name: x, type: numeric, center: 1, scale: 0}]\n"
        + "normalization: fixed\n", "features[0] (x).scale: must be greater than 0, got 0");
    assertRefused(label + "features: [{name: x, type: numeric, center: 1, scale: 2}]\n",
        "features[0] (x): 'center' and 'scale' apply only to numeric features under "
            + "normalization: fixed");
    assertRefused(label + "features: [{name: x, type: categorical, categories: [a], center: 1,"
        + " scale: 2}]\nnormalization: fixed\n", "features[0] (x): 'center' and 'scale' apply "
        + "only to numeric features under normalization: fixed");
  }

  @Test
  void siteNeedsSiteColumn() {
    assertRefused("""
        label: {column: y, classes: [a, b]}
        features: [{name: x, type: numeric}]
        site: va
        """, "top level: 'site' needs 'site_column' to say which column holds the site");
  }

  @Test
  void splitIsChecked() {
    String base = """
        label: {column: y, classes: [a, b]}
        features: [{name: x, type: numeric}]
        """;
    assertRefused(base + "split: {train_fraction: 1.0}\n",
        "split.train_fraction: must be between 0 and 1 (exclusive), got 1.0");
    assertRefused(base + "split: {train_fraction: most}\n",
        "split.train_fraction: expected a number, got 'most'");
    assertRefused(base + "split: {seed: 1.5}\n", "split.seed: expected an integer, got '1.5'");
  }

  @Test
  void wrongShapesAreNamed() {
    assertRefused("label: {column: y, classes: [a, b]}\nfeatures: {name: x}\n",
        "features: expected a non-empty list of features");
    assertRefused("label: {column: y, classes: a}\nfeatures: [{name: x, type: numeric}]\n",
        "label.classes: expected a list, got 'a'");
    assertRefused("label: {column: [y], classes: [a, b]}\nfeatures: [{name: x, type: numeric}]\n",
        "label.column: expected a single value, got a list");
    assertRefused("- just\n- a list\n", "top level: expected a mapping with keys label, "
        + "features, ignore, missing, normalization, site_column, site, split, got a list");
  }

  @Test
  void emptyOrMalformedYamlIsRefused() {
    assertRefused("", "the file is empty");
    assertThatThrownBy(() -> parse("label: {column: y\n")).isInstanceOf(DataException.class)
        .hasMessageStartingWith("schema s.yaml: not valid YAML: ")
        .hasMessageContaining("(line ");
  }

  @Test
  void duplicateYamlKeysAreRefused() {
    assertThatThrownBy(() -> parse(FULL + "normalization: local\n"))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("schema s.yaml: not valid YAML: Duplicate field 'normalization'");
  }
}
