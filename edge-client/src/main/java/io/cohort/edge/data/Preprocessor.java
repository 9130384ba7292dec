package io.cohort.edge.data;

import io.cohort.edge.data.DataSchema.Classes;
import io.cohort.edge.data.DataSchema.Feature;
import io.cohort.edge.data.DataSchema.FeatureType;
import io.cohort.edge.data.DataSchema.LabelRule;
import io.cohort.edge.data.DataSchema.MissingPolicy;
import io.cohort.edge.data.DataSchema.PositiveAbove;
import io.cohort.edge.data.DataSchema.PositiveValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * CSV rows to model-ready examples, in this order: keep the rows of the selected site; check and
 * encode every cell (a bad cell is an error even in a row that would be dropped); drop rows
 * without a label and, under {@code drop_row}, rows with a missing feature; split stratified;
 * fill missing values from training-split means under {@code mean}; z-score with training-split
 * statistics under {@code local} normalisation, or with the schema's constants under
 * {@code fixed}.
 */
final class Preprocessor {

  private final CsvTable table;
  private final DataSchema schema;
  private final int width;

  private Preprocessor(CsvTable table, DataSchema schema) {
    this.table = table;
    this.schema = schema;
    this.width = schema.inputFeatures();
  }

  static LocalDataset load(CsvTable table, DataSchema schema) {
    return new Preprocessor(table, schema).run();
  }

  private LocalDataset run() {
    checkHeader();
    int labelColumn = table.columnIndex(schema.label().column());
    int siteColumn = schema.siteColumn().map(table::columnIndex).orElse(-1);
    List<FeatureReader> readers = new ArrayList<>();
    int offset = 0;
    for (Feature f : schema.features()) {
      readers.add(new FeatureReader(f, table.columnIndex(f.name()), offset));
      offset += f.width();
    }
    LabelReader labelReader = new LabelReader(schema.label().rule(), schema.label().column());
    Set<String> labelMissing = trimmed(schema.missingMarkers());

    float[] features = new float[table.rows().size() * width];
    int[] labels = new int[table.rows().size()];
    int kept = 0;
    int dropped = 0;
    int ofSite = 0;
    for (int r = 0; r < table.rows().size(); r++) {
      List<String> row = table.rows().get(r);
      if (schema.site().isPresent() && !schema.site().get().equals(row.get(siteColumn).trim())) {
        continue;
      }
      ofSite++;
      int rowNumber = r + 1;
      boolean missing = false;
      for (FeatureReader reader : readers) {
        missing |= !reader.encode(row, rowNumber, features, kept * width);
      }
      String labelCell = row.get(labelColumn).trim();
      int label = labelMissing.contains(labelCell) ? -1 : labelReader.classOf(labelCell,
          rowNumber);
      if (label < 0 || (missing && schema.missingPolicy() == MissingPolicy.DROP_ROW)) {
        dropped++;
        continue;
      }
      labels[kept++] = label;
    }
    if (schema.site().isPresent() && ofSite == 0) {
      throw noRowsOfSite(siteColumn);
    }
    if (kept == 0) {
      throw new DataException(table.source() + ": no rows left after dropping " + dropped
          + " with missing values");
    }
    features = Arrays.copyOf(features, kept * width);
    labels = Arrays.copyOf(labels, kept);

    DataSchema.Split s = schema.split();
    StratifiedSplit split = StratifiedSplit.of(labels, schema.numClasses(), s.trainFraction(),
        s.seed());
    if (schema.missingPolicy() == MissingPolicy.MEAN) {
      fillWithTrainingMeans(features, split.train());
    }
    NormalizationStats stats = switch (schema.normalization()) {
      case LOCAL -> NormalizationStats.fit(features, width, split.train());
      case FIXED -> NormalizationStats.fixed(schema);
      case NONE -> NormalizationStats.identity(width);
    };
    stats.applyInPlace(features);
    TabularData all = new TabularData(features, labels, width, schema.numClasses());
    return new LocalDataset(schema, all.select(split.train()), all.select(split.heldOut()),
        stats, dropped);
  }

  /** Every schema column is in the header, and every header column has a role. */
  private void checkHeader() {
    Set<String> header = new HashSet<>(table.header());
    Set<String> known = new HashSet<>();
    requireColumn(header, known, schema.label().column(), "label column");
    for (Feature f : schema.features()) {
      requireColumn(header, known, f.name(), "feature column");
    }
    schema.siteColumn().ifPresent(c -> requireColumn(header, known, c, "site column"));
    for (String c : schema.ignore()) {
      requireColumn(header, known, c, "ignored column");
    }
    for (String c : table.header()) {
      if (!known.contains(c)) {
        throw new DataException(table.source() + ": column '" + c + "' is not in the schema: "
            + "list it under features or ignore");
      }
    }
  }

  private void requireColumn(Set<String> header, Set<String> known, String column, String role) {
    if (!header.contains(column)) {
      throw new DataException(table.source() + ": " + role + " '" + column
          + "' is not in the CSV header (columns: " + String.join(", ", table.header()) + ")");
    }
    known.add(column);
  }

  private DataException noRowsOfSite(int siteColumn) {
    Set<String> seen = new TreeSet<>();
    for (List<String> row : table.rows()) {
      seen.add(row.get(siteColumn).trim());
    }
    return new DataException(table.source() + ": no rows of site '" + schema.site().get()
        + "' in column " + schema.siteColumn().get() + " (values there: "
        + String.join(", ", seen) + ")");
  }

  /** Replaces NaN by the column's mean over the training rows that have a value. */
  private void fillWithTrainingMeans(float[] features, int[] trainRows) {
    int rows = features.length / width;
    for (int j = 0; j < width; j++) {
      boolean anyMissing = false;
      for (int r = 0; r < rows && !anyMissing; r++) {
        anyMissing = Float.isNaN(features[r * width + j]);
      }
      if (!anyMissing) {
        continue;
      }
      double sum = 0;
      int count = 0;
      for (int r : trainRows) {
        float v = features[r * width + j];
        if (!Float.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      if (count == 0) {
        throw new DataException(table.source() + ": input column "
            + schema.inputFeatureNames().get(j) + " has no value in the training split, so "
            + "policy mean cannot fill its missing values");
      }
      float mean = (float) (sum / count);
      for (int r = 0; r < rows; r++) {
        if (Float.isNaN(features[r * width + j])) {
          features[r * width + j] = mean;
        }
      }
    }
  }

  private static Set<String> trimmed(List<String> values) {
    Set<String> set = new HashSet<>();
    values.forEach(v -> set.add(v.trim()));
    return set;
  }

  private String cellError(int rowNumber, String column, String cell, String problem) {
    return table.source() + ": row " + rowNumber + ", column " + column + ": '" + cell + "' "
        + problem;
  }

  /** Checks one feature's cell and writes its encoding (NaN when missing). */
  private final class FeatureReader {
    private final Feature feature;
    private final int column;
    private final int offset;
    private final Set<String> missing;
    private final CategoryIndex categories;

    FeatureReader(Feature feature, int column, int offset) {
      this.feature = feature;
      this.column = column;
      this.offset = offset;
      this.missing = trimmed(schema.missingMarkers());
      this.missing.addAll(trimmed(feature.missingMarkers()));
      this.categories = feature.type() == FeatureType.CATEGORICAL
          ? new CategoryIndex(feature.categories()) : null;
    }

    /** Returns false when the cell is missing. */
    boolean encode(List<String> row, int rowNumber, float[] out, int rowStart) {
      String cell = row.get(column).trim();
      int at = rowStart + offset;
      if (missing.contains(cell)) {
        Arrays.fill(out, at, at + feature.width(), Float.NaN);
        return false;
      }
      if (categories == null) {
        double value = Decimal.parseOrNaN(cell);
        if (Double.isNaN(value)) {
          throw new DataException(cellError(rowNumber, feature.name(), cell, "is not a number"));
        }
        out[at] = (float) value;
        return true;
      }
      int k = categories.indexOf(cell);
      if (k < 0) {
        throw new DataException(cellError(rowNumber, feature.name(), cell,
            "is not one of its categories " + categories.values()));
      }
      Arrays.fill(out, at, at + feature.width(), 0f);
      out[at + k] = 1f;
      return true;
    }
  }

  /** Maps a label cell to its class index by the schema's rule. */
  private final class LabelReader {
    private final LabelRule rule;
    private final String column;
    private final CategoryIndex values;

    LabelReader(LabelRule rule, String column) {
      this.rule = rule;
      this.column = column;
      if (rule instanceof Classes c) {
        values = new CategoryIndex(c.classes());
      } else if (rule instanceof PositiveValues p) {
        values = new CategoryIndex(p.values());
      } else {
        values = null;
      }
    }

    int classOf(String cell, int rowNumber) {
      if (rule instanceof PositiveAbove above) {
        double value = Decimal.parseOrNaN(cell);
        if (Double.isNaN(value)) {
          throw new DataException(cellError(rowNumber, column, cell, "is not a number"));
        }
        return value > above.threshold() ? 1 : 0;
      }
      int k = values.indexOf(cell);
      if (rule instanceof PositiveValues) {
        return k >= 0 ? 1 : 0;
      }
      if (k < 0) {
        throw new DataException(cellError(rowNumber, column, cell,
            "is not one of the label classes " + values.values()));
      }
      return k;
    }
  }
}
