package io.cohort.edge.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDatasetTest {

  private static final String SCHEMA = """
      label: {column: y, classes: ["0", "1"]}
      features:
        - {name: x, type: numeric, missing: ["-1"]}
        - {name: c, type: categorical, categories: [a, b, "4"]}
      ignore: [note]
      normalization: none
      """;

  private static LocalDataset load(String csv, String schema) {
    return LocalDataset.load(Csv.read(new StringReader(csv), "t.csv"),
        DataSchema.parse(schema, "s.yaml"));
  }

  /** {@code n} rows: x = row number, c cycles a, b, 4, y alternates. */
  private static StringBuilder rows(int n) {
    StringBuilder csv = new StringBuilder("x,c,y,note\n");
    String[] cs = {"a", "b", "4"};
    for (int i = 1; i <= n; i++) {
      csv.append(i).append(',').append(cs[i % 3]).append(',').append(i % 2).append(",n\n");
    }
    return csv;
  }

  private static void assertRefused(String csv, String schema, String message) {
    assertThatThrownBy(() -> load(csv, schema)).isInstanceOf(DataException.class)
        .hasMessage(message);
  }

  @Test
  void categoricalFeaturesAreOneHotAndNumbersMatchCategoriesByValue() {
    LocalDataset d = load("x,c,y,note\n2.5,4.0,1,-\n", SCHEMA.replace("[\"0\", \"1\"]",
        "[\"1\", \"0\"]") + "split: {train_fraction: 0.5}\n");

    assertThat(d.train().features()).containsExactly(2.5f, 0f, 0f, 1f);
    assertThat(d.train().labels()).containsExactly(0);
    assertThat(d.train().numFeatures()).isEqualTo(4);
  }

  @Test
  void rowsWithMissingValuesAreDroppedByDefault() {
    String csv = "x,c,y,note\n1,a,0,\n?,a,1,\n-1,b,0,\n2,NA,1,\n3,b,,\n4,a,1,\n";

    LocalDataset d = load(csv, SCHEMA);

    assertThat(d.rows()).isEqualTo(2);
    assertThat(d.droppedRows()).isEqualTo(4);
  }

  @Test
  void aBadCellIsRefusedEvenInARowThatWouldBeDropped() {
    assertRefused("x,c,y,note\n?,z,1,\n", SCHEMA,
        "t.csv: row 1, column c: 'z' is not one of its categories [a, b, 4]");
  }

  @Test
  void aNonNumberInANumericColumnNamesRowAndColumn() {
    StringBuilder csv = rows(16).append("abc,a,1,n\n");

    assertRefused(csv.toString().replace("x,c,y", "chol,c,y"),
        SCHEMA.replace("name: x", "name: chol"),
        "t.csv: row 17, column chol: 'abc' is not a number");
  }

  @Test
  void aLabelOutsideItsClassesIsRefused() {
    assertRefused("x,c,y,note\n1,a,2,\n", SCHEMA,
        "t.csv: row 1, column y: '2' is not one of the label classes [0, 1]");
  }

  @Test
  void headerMustHoldEverySchemaColumn() {
    assertRefused("x,c,label,note\n1,a,0,\n", SCHEMA,
        "t.csv: label column 'y' is not in the CSV header (columns: x, c, label, note)");
    assertRefused("x,y,note\n1,0,\n", SCHEMA,
        "t.csv: feature column 'c' is not in the CSV header (columns: x, y, note)");
    assertRefused("x,c,y\n1,a,0\n", SCHEMA,
        "t.csv: ignored column 'note' is not in the CSV header (columns: x, c, y)");
  }

  @Test
  void aColumnTheSchemaDoesNotMentionIsRefused() {
    assertRefused("x,c,y,note,ssn\n1,a,0,,123\n", SCHEMA,
        "t.csv: column 'ssn' is not in the schema: list it under features or ignore");
  }

  @Test
  void siteFilterKeepsOnlyThatSitesRows() {
    String csv = "x,c,y,note,site\n1,a,0,,north\n2,a,1,,south\n3,b,1,,north\n4,b,0,,north\n";
    String schema = SCHEMA + "site_column: site\nsite: north\n";

    LocalDataset d = load(csv, schema);

    assertThat(d.rows()).isEqualTo(3);
    assertRefused(csv, SCHEMA + "site_column: site\nsite: east\n",
        "t.csv: no rows of site 'east' in column site (values there: north, south)");
  }

  @Test
  void positiveAboveMakesABinaryLabel() {
    String schema = SCHEMA.replace("classes: [\"0\", \"1\"]", "positive_above: 0");

    LocalDataset d = load("x,c,y,note\n1,a,0,\n2,a,3,\n3,a,1,\n4,a,0.0,\n", schema);

    assertThat(d.classCounts()).containsExactly(2, 2);
  }

  @Test
  void classCountsAddUpPerSplit() {
    LocalDataset d = load(rows(100).toString(), SCHEMA);

    assertThat(d.trainClassCounts()).containsExactly(33, 33);
    assertThat(d.evalClassCounts()).containsExactly(17, 17);
    assertThat(d.classCounts()).containsExactly(50, 50);
  }

  @Test
  void localNormalizationUsesTrainingStatisticsOnly() {
    String csv = rows(60).toString();
    LocalDataset raw = load(csv, SCHEMA);
    LocalDataset z = load(csv, SCHEMA.replace("normalization: none", "normalization: local"));

    NormalizationStats expected = NormalizationStats.fit(raw.train().features(), 4,
        IntStream.range(0, raw.train().rows()).toArray());

    assertThat(z.normalization()).isEqualTo(expected);
    float[] rawEval = raw.eval().features().clone();
    expected.applyInPlace(rawEval);
    assertThat(z.eval().features()).containsExactly(rawEval);
    for (int j = 0; j < 4; j++) {
      assertThat(columnMean(z.train(), j)).isCloseTo(0, within(1e-5));
      assertThat(columnStd(z.train(), j)).isCloseTo(1, within(1e-5));
    }
  }

  @Test
  void aConstantColumnIsCentredWithStdOne() {
    String csv = "x,c,y,note\n5,a,0,\n5,b,1,\n5,a,0,\n5,b,1,\n";

    LocalDataset d = load(csv, SCHEMA.replace("normalization: none", "normalization: local"));

    assertThat(d.normalization().std()[0]).isEqualTo(1.0);
    assertThat(d.normalization().mean()[0]).isEqualTo(5.0);
    assertThat(columnMean(d.eval(), 0)).isZero();
  }

  @Test
  void fixedNormalizationUsesTheSchemaConstantsAndLeavesOneHotColumns() {
    String schema = SCHEMA.replace("missing: [\"-1\"]}", "center: 10, scale: 4}")
        .replace("normalization: none", "normalization: fixed");

    LocalDataset d = load("x,c,y,note\n18,b,0,\n2,a,1,\n", schema + "split: {train_fraction: "
        + "0.5}\n");

    assertThat(d.train().features()).containsExactly(2f, 0f, 1f, 0f, -2f, 1f, 0f, 0f);
    assertThat(d.normalization().mean()).containsExactly(10, 0, 0, 0);
    assertThat(d.normalization().std()).containsExactly(4, 1, 1, 1);
  }

  @Test
  void meanPolicyFillsFromTrainingRowsOnly() {
    StringBuilder csv = new StringBuilder("x,id,y\n");
    for (int i = 0; i < 40; i++) {
      String x = i % 5 == 0 ? "?" : String.valueOf(i * i);
      csv.append(x).append(',').append(i).append(',').append(i % 2).append('\n');
    }
    String schema = """
        label: {column: y, classes: ["0", "1"]}
        features: [{name: x, type: numeric}, {name: id, type: numeric}]
        missing: {policy: mean}
        normalization: none
        """;

    LocalDataset d = load(csv.toString(), schema);

    double sum = 0;
    int count = 0;
    for (int r = 0; r < d.train().rows(); r++) {
      int id = (int) d.train().features()[r * 2 + 1];
      if (id % 5 != 0) {
        sum += id * id;
        count++;
      }
    }
    float trainMean = (float) (sum / count);
    assertThat(d.rows()).isEqualTo(40);
    for (TabularData part : new TabularData[] {d.train(), d.eval()}) {
      for (int r = 0; r < part.rows(); r++) {
        int id = (int) part.features()[r * 2 + 1];
        float expected = id % 5 == 0 ? trainMean : id * id;
        assertThat(part.features()[r * 2]).isEqualTo(expected);
      }
    }
  }

  @Test
  void meanPolicyFillsACategoricalBlockWithTrainingFrequencies() {
    String csv = "x,c,y,note\n1,a,0,\n2,a,1,\n3,b,0,\n4,b,1,\n5,?,0,\n6,?,1,\n";
    String schema = SCHEMA.replace("normalization: none", "missing: {policy: mean}\n"
        + "normalization: none");

    LocalDataset d = load(csv, schema);

    for (TabularData part : new TabularData[] {d.train(), d.eval()}) {
      for (int r = 0; r < part.rows(); r++) {
        float[] f = part.features();
        assertThat(f[r * 4 + 1] + f[r * 4 + 2] + f[r * 4 + 3]).isCloseTo(1f, within(1e-6f));
      }
    }
  }

  @Test
  void loadsFromFiles(
      @TempDir(factory = BuildTempDir.class) Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("data.csv"), rows(30));
    Path schema = Files.writeString(dir.resolve("schema.yaml"), SCHEMA);

    LocalDataset d = LocalDataset.load(csv, schema);

    assertThat(d.rows()).isEqualTo(30);
    assertThat(d.schemaFingerprint()).isEqualTo(DataSchema.parse(SCHEMA, "x").fingerprint());
  }

  private static double columnMean(TabularData d, int j) {
    double sum = 0;
    for (int r = 0; r < d.rows(); r++) {
      sum += d.features()[r * d.numFeatures() + j];
    }
    return sum / d.rows();
  }

  private static double columnStd(TabularData d, int j) {
    double mean = columnMean(d, j);
    double sum = 0;
    for (int r = 0; r < d.rows(); r++) {
      double v = d.features()[r * d.numFeatures() + j] - mean;
      sum += v * v;
    }
    return Math.sqrt(sum / d.rows());
  }
}
