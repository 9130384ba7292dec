package io.cohort.edge.training;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

class PoissonSamplerPropertiesTest {

  @Property(tries = 200)
  void batchesAreAscendingDistinctRecordIndices(@ForAll @IntRange(min = 1, max = 500) int n,
      @ForAll @DoubleRange(min = 1e-6, max = 1.0) @Scale(8) double q) {
    PoissonSampler sampler = new PoissonSampler(n, q, CsprngStream.secure());
    for (int b = 0; b < 5; b++) {
      int size = sampler.next();
      assertThat(size).isBetween(0, n);
      for (int k = 0; k < size; k++) {
        assertThat(sampler.batch()[k]).isBetween(0, n - 1);
        if (k > 0) {
          assertThat(sampler.batch()[k]).isGreaterThan(sampler.batch()[k - 1]);
        }
      }
    }
  }
}
