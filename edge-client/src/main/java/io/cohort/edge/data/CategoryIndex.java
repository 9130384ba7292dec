package io.cohort.edge.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a cell's position in a list of allowed values (categories or label classes). A cell
 * matches a value when the trimmed texts are equal or, if both are numbers, when the numbers are
 * equal: {@code "4.0"} matches category {@code "4"}, as files written by different tools differ
 * in exactly that way.
 */
final class CategoryIndex {

  private final List<String> values;
  private final Map<String, Integer> byText = new HashMap<>();
  private final Map<Double, Integer> byNumber = new HashMap<>();

  /**
   * @throws IllegalArgumentException naming two values that are the same
   */
  CategoryIndex(List<String> values) {
    this.values = List.copyOf(values);
    for (int i = 0; i < values.size(); i++) {
      String text = values.get(i).trim();
      Integer before = byText.putIfAbsent(text, i);
      double number = Decimal.parseOrNaN(text);
      if (before == null && !Double.isNaN(number)) {
        before = byNumber.putIfAbsent(number + 0.0, i);
      }
      if (before != null) {
        throw new IllegalArgumentException("'" + values.get(before) + "' and '" + values.get(i)
            + "' are the same value");
      }
    }
  }

  /** The position of the matching value, or -1. */
  int indexOf(String cell) {
    String text = cell.trim();
    Integer i = byText.get(text);
    if (i == null) {
      double number = Decimal.parseOrNaN(text);
      i = Double.isNaN(number) ? null : byNumber.get(number + 0.0);
    }
    return i == null ? -1 : i;
  }

  int size() {
    return values.size();
  }

  List<String> values() {
    return values;
  }
}
