package io.cohort.billing.money;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Splits an integer amount in proportion to integer weights so that the parts sum to exactly the
 * amount (the largest-remainder method, also called Hamilton's method).
 *
 * <p>Each part first gets {@code floor(amount * weight / totalWeight)}; the micro-units left over
 * (fewer than the number of weights) go one each to the parts with the largest remainders. Ties
 * go to the lower index, so callers that order their parties deterministically get the same split
 * everywhere. A part with weight zero always gets zero.
 */
public final class LargestRemainder {

  private LargestRemainder() {}

  /**
   * @param amount non-negative amount in micro-units
   * @param weights non-negative weights with a positive sum
   * @return one part per weight, each non-negative, summing to {@code amount}
   */
  public static long[] split(long amount, long[] weights) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be non-negative, got " + amount);
    }
    long total = 0;
    for (long w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("weights must be non-negative, got " + w);
      }
      total = Math.addExact(total, w);
    }
    if (total <= 0) {
      throw new IllegalArgumentException("weights must have a positive sum");
    }
    int n = weights.length;
    long[] parts = new long[n];
    long[] remainders = new long[n];
    long assigned = 0;
    for (int i = 0; i < n; i++) {
      long[] qr = mulDiv(amount, weights[i], total);
      parts[i] = qr[0];
      remainders[i] = qr[1];
      assigned += qr[0];
    }
    long leftover = amount - assigned;
    if (leftover > 0) {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> {
        int byRemainder = Long.compare(remainders[b], remainders[a]);
        return byRemainder != 0 ? byRemainder : Integer.compare(a, b);
      });
      for (int k = 0; k < leftover; k++) {
        parts[order[k]]++;
      }
    }
    return parts;
  }

  /** {@code floor(a * b / c)} for non-negative a, b and positive c, without overflow. */
  public static long floorMulDiv(long a, long b, long c) {
    return mulDiv(a, b, c)[0];
  }

  /** Quotient and remainder of {@code a * b / c} (non-negative a, b; positive c). */
  private static long[] mulDiv(long a, long b, long c) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return new long[] {lo / c, lo % c};
    }
    BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
        .divideAndRemainder(BigInteger.valueOf(c));
    return new long[] {qr[0].longValueExact(), qr[1].longValueExact()};
  }
}
