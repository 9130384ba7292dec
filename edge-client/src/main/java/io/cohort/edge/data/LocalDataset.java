package io.cohort.edge.data;

import java.nio.file.Path;

/**
 * A node's data ready for training: the training split and the held-out split (for federated
 * evaluation), both preprocessed by {@code schema}; the normalisation statistics of the training
 * split (local, never sent anywhere); and how many rows were dropped for missing values.
 */
public record LocalDataset(DataSchema schema, TabularData train, TabularData eval,
    NormalizationStats normalization, int droppedRows) {

  /** Reads a CSV file and its schema file, and preprocesses the rows. */
  public static LocalDataset load(Path csv, Path schemaYaml) {
    return load(Csv.read(csv), DataSchema.parse(schemaYaml));
  }

  /** Preprocesses a table already read. */
  public static LocalDataset load(CsvTable csv, DataSchema schema) {
    return Preprocessor.load(csv, schema);
  }

  /** The fingerprint all nodes of a federation compare: {@link DataSchema#fingerprint()}. */
  public String schemaFingerprint() {
    return schema.fingerprint();
  }

  /** Rows used, both splits together. */
  public int rows() {
    return train.rows() + eval.rows();
  }

  /** Rows per class index in the training split. */
  public int[] trainClassCounts() {
    return classCounts(train);
  }

  /** Rows per class index in the held-out split. */
  public int[] evalClassCounts() {
    return classCounts(eval);
  }

  /** Rows per class index, both splits together. */
  public int[] classCounts() {
    int[] counts = trainClassCounts();
    int[] held = evalClassCounts();
    for (int c = 0; c < counts.length; c++) {
      counts[c] += held[c];
    }
    return counts;
  }

  private static int[] classCounts(TabularData data) {
    int[] counts = new int[data.numClasses()];
    for (int label : data.labels()) {
      counts[label]++;
    }
    return counts;
  }
}
