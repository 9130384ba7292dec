package io.cohort.edge.data;

import java.util.List;

/**
 * A CSV file held in memory: its header and its data rows, every row as wide as the header.
 * {@code source} names the file in error messages. Row 1 is the first row after the header.
 */
public record CsvTable(String source, List<String> header, List<List<String>> rows) {

  public CsvTable {
    header = List.copyOf(header);
    rows = List.copyOf(rows);
  }

  /** The position of the named column in the header, or -1. */
  public int columnIndex(String name) {
    return header.indexOf(name);
  }
}
