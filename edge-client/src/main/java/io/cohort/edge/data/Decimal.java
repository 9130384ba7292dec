package io.cohort.edge.data;

import java.util.regex.Pattern;

/** Plain decimal numbers as they appear in CSV cells: {@code 12}, {@code -0.5}, {@code 1e-3}. */
final class Decimal {

  private static final Pattern PLAIN =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private Decimal() {}

  /**
   * The value of a trimmed cell, or NaN when it is not a plain finite decimal (Java's own
   * parser would also take {@code NaN}, {@code Infinity}, hex and a trailing {@code d} or
   * {@code f}, none of which belong in a data file).
   */
  static double parseOrNaN(String text) {
    if (!PLAIN.matcher(text).matches()) {
      return Double.NaN;
    }
    double value = Double.parseDouble(text);
    return Double.isFinite(value) ? value : Double.NaN;
  }
}
