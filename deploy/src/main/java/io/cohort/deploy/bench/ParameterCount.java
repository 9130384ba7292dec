package io.cohort.deploy.bench;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Parameter counts written like {@code 1M}, {@code 500K} or {@code 10000000}. */
final class ParameterCount implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    long scale = 1;
    if (v.endsWith("M")) {
      scale = 1_000_000;
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("K")) {
      scale = 1_000;
      v = v.substring(0, v.length() - 1);
    }
    long n;
    try {
      n = Long.parseLong(v) * scale;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter count '" + value
          + "' is not a number like 1M, 500K or 1000000");
    }
    // A logistic model over F features with 2 classes has 2F + 2 parameters.
    if (n < 4 || n % 2 != 0 || n > 2_000_000_000L) {
      throw new IllegalArgumentException("parameter count " + value
          + " must be even, at least 4 and at most 2000M");
    }
    return n;
  }

  static String format(long n) {
    if (n % 1_000_000 == 0) {
      return n / 1_000_000 + "M";
    }
    if (n % 1_000 == 0) {
      return n / 1_000 + "K";
    }
    return Long.toString(n);
  }
}
