package io.cohort.billing.pricing;

import static io.cohort.billing.BillingFixtures.payPerUse;
import static io.cohort.billing.BillingFixtures.subscription;
import static io.cohort.billing.BillingFixtures.usage;
import static io.cohort.billing.BillingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.billing.ledger.Charge;
import io.cohort.billing.money.LargestRemainder;
import io.cohort.billing.period.Booking;
import io.cohort.proto.v1.ConsumerAccountEvent;
import io.cohort.proto.v1.ModelVersionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class UsagePricerTest {

  private static final Booking P1 = Booking.onTime("2026-11-01T00:00:00Z");
  private static final Booking P2 = Booking.onTime("2026-12-01T00:00:00Z");
  private static final ModelVersionEvent V1 = version("v1", 2_500_000, Map.of("a", 1_000_000L));

  private final UsagePricer pricer = new UsagePricer();
  private final MapUsageCounters counters = new MapUsageCounters();

  @Test
  void payPerUseChargesTheListPricePerThousandPredictions() {
    List<Charge> charges = pricer.price(usage("u1", "acme", "v1", 400, 0), V1,
        payPerUse("acme"), P1, counters);

    assertThat(charges).singleElement().satisfies(c -> {
      assertThat(c.chargeId()).isEqualTo("u1/usage");
      assertThat(c.kind()).isEqualTo(Charge.Kind.USAGE);
      assertThat(c.payerAccount()).isEqualTo("consumer:acme");
      assertThat(c.grossMicros()).isEqualTo(1_000_000);
      assertThat(c.predictions()).isEqualTo(400);
      assertThat(c.shares()).isEqualTo(V1.getContributionSharesList());
    });
  }

  @Test
  void manySmallRequestsCostExactlyWhatOneLargeRequestCosts() {
    ModelVersionEvent odd = version("v1", 1_234_567, Map.of("a", 1_000_000L));
    long total = 0;
    for (int i = 0; i < 1000; i++) {
      total += sum(pricer.price(usage("u" + i, "acme", "v1", 3, 0), odd, payPerUse("acme"), P1,
          counters));
    }

    assertThat(total).isEqualTo(LargestRemainder.floorMulDiv(1_234_567, 3000, 1000));
  }

  @Test
  void aSubscriberPaysTheFeeAtFirstUseAndIncludedPredictionsDrawItDown() {
    ConsumerAccountEvent plan = subscription("acme", 900_000, 3);

    List<Charge> first = pricer.price(usage("u1", "acme", "v1", 1, 0), V1, plan, P1, counters);
    List<Charge> second = pricer.price(usage("u2", "acme", "v1", 2, 0), V1, plan, P1, counters);

    assertThat(first).extracting(Charge::chargeId).containsExactly("u1/fee", "u1/included");
    assertThat(first.get(0).kind()).isEqualTo(Charge.Kind.SUBSCRIPTION_FEE);
    assertThat(first.get(0).grossMicros()).isEqualTo(900_000);
    assertThat(first.get(1).payerAccount()).isEqualTo("prepaid:acme");
    assertThat(first.get(1).grossMicros()).isEqualTo(300_000);
    assertThat(second).extracting(Charge::grossMicros).containsExactly(600_000L);
    assertThat(counters.subscription("acme", P1.periodId()).undrawnMicros()).isZero();
  }

  @Test
  void predictionsBeyondTheQuotaAreOverageAtListPrice() {
    ConsumerAccountEvent plan = subscription("acme", 900_000, 100);

    List<Charge> charges = pricer.price(usage("u1", "acme", "v1", 500, 0), V1, plan, P1, counters);

    assertThat(charges).extracting(Charge::chargeId)
        .containsExactly("u1/fee", "u1/included", "u1/overage");
    assertThat(charges.get(1).predictions()).isEqualTo(100);
    assertThat(charges.get(1).grossMicros()).isEqualTo(900_000);
    assertThat(charges.get(2).predictions()).isEqualTo(400);
    assertThat(charges.get(2).grossMicros()).isEqualTo(1_000_000);
    assertThat(charges.get(2).payerAccount()).isEqualTo("consumer:acme");
  }

  @Test
  void eachPeriodHasItsOwnFeeAndQuota() {
    ConsumerAccountEvent plan = subscription("acme", 900_000, 100);

    pricer.price(usage("u1", "acme", "v1", 100, 0), V1, plan, P1, counters);
    List<Charge> next = pricer.price(usage("u2", "acme", "v1", 50, 0), V1, plan, P2, counters);

    assertThat(next).extracting(Charge::chargeId).containsExactly("u2/fee", "u2/included");
    assertThat(next.get(1).grossMicros()).isEqualTo(450_000);
  }

  @Test
  void breakageIsTheUndrawnFee() {
    Charge breakage = UsagePricer.breakage("acme", P1.periodId(),
        new SubscriptionUsage(900_000, 100, 10, 90_000), P2, 77);

    assertThat(breakage.kind()).isEqualTo(Charge.Kind.BREAKAGE);
    assertThat(breakage.payerAccount()).isEqualTo("prepaid:acme");
    assertThat(breakage.grossMicros()).isEqualTo(810_000);
    assertThat(breakage.booking()).isEqualTo(P2);
  }

  @Property
  void aSubscribersDrawsPlusBreakageAlwaysSumToTheFee(
      @ForAll @LongRange(min = 0, max = 10_000_000_000L) long fee,
      @ForAll @LongRange(min = 1, max = 10_000) long included,
      @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 1, max = 2_000) Long> requests) {
    MapUsageCounters counters = new MapUsageCounters();
    ConsumerAccountEvent plan = subscription("acme", fee, included);
    long drawn = 0;
    long overagePredictions = 0;
    long overageMicros = 0;
    int i = 0;
    for (long n : requests) {
      for (Charge c : pricer.price(usage("u" + i++, "acme", "v1", n, 0), V1, plan, P1, counters)) {
        if (c.chargeId().endsWith("/included")) {
          drawn += c.grossMicros();
        } else if (c.chargeId().endsWith("/overage")) {
          overagePredictions += c.predictions();
          overageMicros += c.grossMicros();
        }
      }
    }
    SubscriptionUsage sub = counters.subscription("acme", P1.periodId());

    assertThat(drawn + sub.undrawnMicros()).isEqualTo(fee);
    long total = requests.stream().mapToLong(Long::longValue).sum();
    assertThat(overagePredictions).isEqualTo(Math.max(0, total - included));
    assertThat(overageMicros).isEqualTo(
        LargestRemainder.floorMulDiv(V1.getPriceMicrosPer1000(), overagePredictions, 1000));
  }

  @Property
  void payPerUseTotalsDependOnlyOnTheTotalCount(
      @ForAll @LongRange(min = 0, max = 100_000_000) long price,
      @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 1, max = 100_000) Long> requests) {
    MapUsageCounters counters = new MapUsageCounters();
    ModelVersionEvent v = version("v1", price, Map.of("a", 1_000_000L));
    List<Charge> all = new ArrayList<>();
    int i = 0;
    for (long n : requests) {
      all.addAll(pricer.price(usage("u" + i++, "acme", "v1", n, 0), v, payPerUse("acme"), P1,
          counters));
    }
    long total = requests.stream().mapToLong(Long::longValue).sum();

    assertThat(sum(all)).isEqualTo(LargestRemainder.floorMulDiv(price, total, 1000));
  }

  private static long sum(List<Charge> charges) {
    return charges.stream().mapToLong(Charge::grossMicros).sum();
  }
}
