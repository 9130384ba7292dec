package io.cohort.billing.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LargestRemainderTest {

  @Property
  void partsSumToTheAmount(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long amount,
      @ForAll @Size(min = 1, max = 20) List<@LongRange(min = 0, max = 1_000_000_000_000L) Long> ws) {
    long[] weights = withPositiveSum(ws);
    assertThat(Arrays.stream(LargestRemainder.split(amount, weights)).sum()).isEqualTo(amount);
  }

  @Property
  void matchesTheBigIntegerReference(@ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long amount,
      @ForAll @Size(min = 1, max = 12) List<@LongRange(min = 0, max = 2_000_000L) Long> ws) {
    long[] weights = withPositiveSum(ws);
    assertThat(LargestRemainder.split(amount, weights)).containsExactly(reference(amount, weights));
  }

  @Property
  void eachPartIsTheFloorOrOneMoreOfItsExactQuota(
      @ForAll @LongRange(min = 0, max = 10_000_000_000L) long amount,
      @ForAll @Size(min = 1, max = 12) List<@LongRange(min = 0, max = 1_000_000L) Long> ws) {
    long[] weights = withPositiveSum(ws);
    long total = Arrays.stream(weights).sum();
    long[] parts = LargestRemainder.split(amount, weights);
    for (int i = 0; i < weights.length; i++) {
      long floor = LargestRemainder.floorMulDiv(amount, weights[i], total);
      assertThat(parts[i]).isBetween(floor, floor + 1);
      if (weights[i] == 0) {
        assertThat(parts[i]).isZero();
      }
    }
  }

  @Test
  void leftoverGoesToTheLargestRemaindersAndTiesToTheLowerIndex() {
    assertThat(LargestRemainder.split(100, new long[] {1, 1, 1})).containsExactly(34, 33, 33);
    assertThat(LargestRemainder.split(10, new long[] {1, 2, 4})).containsExactly(1, 3, 6);
    assertThat(LargestRemainder.split(1, new long[] {0, 5, 5})).containsExactly(0, 1, 0);
  }

  @Test
  void largeAmountsAndWeightsDoNotOverflow() {
    long[] parts = LargestRemainder.split(Long.MAX_VALUE / 2, new long[] {Long.MAX_VALUE / 4, 3});
    assertThat(parts[0] + parts[1]).isEqualTo(Long.MAX_VALUE / 2);
    assertThat(LargestRemainder.floorMulDiv(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void refusesNegativeAmountsNegativeWeightsAndZeroTotals() {
    assertThatThrownBy(() -> LargestRemainder.split(-1, new long[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LargestRemainder.split(1, new long[] {2, -1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LargestRemainder.split(1, new long[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long[] withPositiveSum(List<Long> ws) {
    long[] weights = ws.stream().mapToLong(Long::longValue).toArray();
    if (Arrays.stream(weights).sum() == 0) {
      weights[0] = 1;
    }
    return weights;
  }

  /** Textbook Hamilton method in exact arithmetic. */
  private static long[] reference(long amount, long[] weights) {
    BigInteger total = BigInteger.ZERO;
    for (long w : weights) {
      total = total.add(BigInteger.valueOf(w));
    }
    BigInteger[][] qr = new BigInteger[weights.length][];
    long[] parts = new long[weights.length];
    long left = amount;
    for (int i = 0; i < weights.length; i++) {
      qr[i] = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(weights[i]))
          .divideAndRemainder(total);
      parts[i] = qr[i][0].longValueExact();
      left -= parts[i];
    }
    List<Integer> order = IntStream.range(0, weights.length).boxed()
        .sorted(Comparator.<Integer, BigInteger>comparing(i -> qr[i][1]).reversed()
            .thenComparing(i -> i))
        .toList();
    for (int k = 0; k < left; k++) {
      parts[order.get(k)]++;
    }
    return parts;
  }
}
