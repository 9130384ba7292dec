package io.cohort.deploy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns (numbers right-aligned), for terminals and grep. */
final class Table {

  private final List<String> headers;
  private final boolean[] numeric;
  private final List<List<String>> rows = new ArrayList<>();

  /** Headers ending in {@code >} are right-aligned (the marker is not printed). */
  Table(String... headers) {
    this.headers = new ArrayList<>();
    this.numeric = new boolean[headers.length];
    for (int i = 0; i < headers.length; i++) {
      numeric[i] = headers[i].endsWith(">");
      this.headers.add(numeric[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i]);
    }
  }

  Table row(Object... cells) {
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(c == null ? "-" : c.toString());
    }
    rows.add(r);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] width = new int[headers.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = headers.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    line(out, headers, width);
    for (List<String> r : rows) {
      line(out, r, width);
    }
    out.flush();
  }

  private void line(PrintWriter out, List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      String c = cells.get(i);
      String pad = " ".repeat(width[i] - c.length());
      b.append(numeric[i] ? pad + c : (i == width.length - 1 ? c : c + pad));
      if (i < width.length - 1) {
        b.append("  ");
      }
    }
    out.println(b.toString().stripTrailing());
  }

  /** A metric for a table cell: 4 decimals, "-" when absent (NaN). */
  static String metric(double v) {
    return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.4f", v) : "-";
  }
}
