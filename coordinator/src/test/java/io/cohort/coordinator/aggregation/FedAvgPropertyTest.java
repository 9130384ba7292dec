package io.cohort.coordinator.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * FedAvg against its definition: the next model is the sample-weighted mean of the clients' models.
 *
 * <p>Coordinates are multiples of 2^-10 within +-2^10, so a client's delta (its model minus the
 * base) is exact in float32 and the accumulator's weighted sums are exact in double; the only
 * rounding left is in the division, the sum with the base and the cast to float32. That makes the
 * bounds check exact.
 */
class FedAvgPropertyTest {

  @Property
  void nextModelIsTheSampleWeightedMeanOfTheClientModels(@ForAll("federations") Federation f) {
    float[] next = f.fedAvgRound();

    for (int i = 0; i < next.length; i++) {
      double weightedSum = 0;
      long totalWeight = 0;
      for (Client client : f.clients()) {
        weightedSum += (double) client.weight() * client.model()[i];
        totalWeight += client.weight();
      }
      double expected = weightedSum / totalWeight;
      // One float32 rounding of the result, plus the double rounding of base + mean delta, which
      // cancels when the mean is near zero.
      double tolerance = Math.ulp((float) expected)
          + 4 * Math.ulp(Math.abs(f.base()[i]) + Math.abs(expected));
      assertThat((double) next[i]).isCloseTo(expected, within(tolerance));
    }
  }

  @Property
  void nextModelLiesWithinTheClientModelsCoordinateByCoordinate(
      @ForAll("federations") Federation f) {
    float[] next = f.fedAvgRound();

    for (int i = 0; i < next.length; i++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (Client client : f.clients()) {
        min = Math.min(min, client.model()[i]);
        max = Math.max(max, client.model()[i]);
      }
      assertThat(next[i]).isBetween(min, max);
    }
  }

  @Provide
  Arbitrary<Federation> federations() {
    return Arbitraries.integers().between(1, 8).flatMap(elements -> {
      Arbitrary<Client> client = Combinators.combine(models(elements),
          Arbitraries.longs().between(1, 1_000_000)).as(Client::new);
      return Combinators.combine(models(elements), client.list().ofMinSize(1).ofMaxSize(6))
          .as(Federation::new);
    });
  }

  private static Arbitrary<float[]> models(int elements) {
    return Arbitraries.integers().between(-(1 << 20), 1 << 20).map(units -> units / 1024f)
        .list().ofSize(elements).map(FedAvgPropertyTest::toArray);
  }

  private static float[] toArray(List<Float> values) {
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }

  record Client(float[] model, long weight) {}

  record Federation(float[] base, List<Client> clients) {

    /** One FedAvg round from {@code base} with each client's delta. */
    float[] fedAvgRound() {
      FedAvg fedAvg = new FedAvg();
      UpdateAccumulator accumulator = fedAvg.newAccumulator(base.length);
      for (Client client : clients) {
        float[] delta = new float[base.length];
        for (int i = 0; i < delta.length; i++) {
          delta[i] = client.model()[i] - base[i];
        }
        accumulator.add(delta, client.weight());
      }
      return fedAvg.finishRound(base, accumulator);
    }
  }
}
