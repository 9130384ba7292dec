package io.cohort.billing.money;

import java.math.BigDecimal;

/** Amounts of money in integer micro-units (one millionth of a currency unit). */
public final class Micros {

  /** Micro-units per currency unit. */
  public static final long PER_UNIT = 1_000_000L;
  /** Parts per million that make a whole. */
  public static final long PPM = 1_000_000L;

  private Micros() {}

  /** Formats micro-units as a decimal amount with six fraction digits, e.g. {@code -1.500000}. */
  public static String format(long micros) {
    return BigDecimal.valueOf(micros, 6).toPlainString();
  }

  /** Parses a decimal amount ("12.5") into micro-units; more than six fraction digits fail. */
  public static long parse(String amount) {
    return new BigDecimal(amount.trim()).movePointRight(6).longValueExact();
  }
}
