package io.cohort.edge.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaFingerprintTest {

  private static final String BASE = """
      label: {column: target, classes: ["0", "1"]}
      features:
        - {name: age, type: numeric}
        - {name: cp, type: categorical, categories: ["1", "2", "3"]}
      """;

  private static String fingerprint(String yaml) {
    return DataSchema.parse(yaml, "s.yaml").fingerprint();
  }

  @Test
  void isSha256Hex() {
    assertThat(fingerprint(BASE)).matches("[0-9a-f]{64}");
  }

  @Test
  void ignoresKeyOrderCommentsQuotingAndLayout() {
    String same = """
        # the same schema, written differently
        features:
          - type: numeric       # age in years
            name: age
          - categories: [1, 2, 3]
            type: categorical
            name: cp
        label:
          classes: [0, 1]
          column: target
        """;

    assertThat(fingerprint(same)).isEqualTo(fingerprint(BASE));
  }

  @Test
  void ignoresWhatEachNodeDecidesForItself() {
    String local = """
        label: {column: diagnosis, classes: ["0", "1"]}
        features:
          - {name: age, type: numeric, missing: ["-1"]}
          - {name: cp, type: categorical, categories: ["1", "2", "3"]}
        ignore: [patient_id]
        missing: {markers: ["n/a"], policy: mean}
        site_column: hospital
        site: north
        split: {train_fraction: 0.5, seed: 1}
        """;

    assertThat(fingerprint(local)).isEqualTo(fingerprint(BASE));
  }

  @Test
  void differentCategoriesGiveADifferentFingerprint() {
    assertThat(fingerprint(BASE.replace("\"3\"]", "\"3\", \"4\"]")))
        .isNotEqualTo(fingerprint(BASE));
  }

  @Test
  void categoryOrderFeatureOrderAndTypesMatter() {
    String reorderedCategories = BASE.replace("[\"1\", \"2\", \"3\"]", "[\"3\", \"2\", \"1\"]");
    String reorderedFeatures = """
        label: {column: target, classes: ["0", "1"]}
        features:
          - {name: cp, type: categorical, categories: ["1", "2", "3"]}
          - {name: age, type: numeric}
        """;
    String numericCp = """
        label: {column: target, classes: ["0", "1"]}
        features:
          - {name: age, type: numeric}
          - {name: cp, type: numeric}
        """;

    assertThat(fingerprint(reorderedCategories)).isNotEqualTo(fingerprint(BASE));
    assertThat(fingerprint(reorderedFeatures)).isNotEqualTo(fingerprint(BASE));
    assertThat(fingerprint(numericCp)).isNotEqualTo(fingerprint(BASE));
  }

  @Test
  void labelClassesAndNormalizationMatter() {
    assertThat(fingerprint(BASE.replace("[\"0\", \"1\"]", "[\"1\", \"0\"]")))
        .isNotEqualTo(fingerprint(BASE));
    assertThat(fingerprint(BASE + "normalization: none\n")).isNotEqualTo(fingerprint(BASE));
  }

  @Test
  void fixedScalingConstantsMatter() {
    String fixed = """
        label: {column: target, classes: ["0", "1"]}
        features: [{name: age, type: numeric, center: 50, scale: 10}]
        normalization: fixed
        """;

    assertThat(fingerprint(fixed.replace("center: 50", "center: 50.0")))
        .isEqualTo(fingerprint(fixed));
    assertThat(fingerprint(fixed.replace("scale: 10", "scale: 20")))
        .isNotEqualTo(fingerprint(fixed));
  }

  @Test
  void aBinaryRuleIsTheSameAsClassesZeroAndOne() {
    String rule = BASE.replace("classes: [\"0\", \"1\"]", "positive_above: 0");

    assertThat(fingerprint(rule)).isEqualTo(fingerprint(BASE));
  }

  @Test
  void canonicalFormIsStable() {
    assertThat(DataSchema.parse(BASE, "s.yaml").canonicalForm()).isEqualTo(
        "{\"format\":\"cohort.data-schema/1\",\"features\":[{\"name\":\"age\",\"type\":"
            + "\"numeric\"},{\"name\":\"cp\",\"type\":\"categorical\",\"categories\":[\"1\","
            + "\"2\",\"3\"]}],\"label\":{\"classes\":[\"0\",\"1\"]},\"normalization\":\"local\"}");
  }
}
