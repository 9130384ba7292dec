package io.cohort.billing.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MicrosTest {

  @Test
  void formatsWithSixFractionDigits() {
    assertThat(Micros.format(1_500_000)).isEqualTo("1.500000");
    assertThat(Micros.format(-7)).isEqualTo("-0.000007");
  }

  @Property
  void parseIsTheInverseOfFormat(@ForAll long micros) {
    assertThat(Micros.parse(Micros.format(micros))).isEqualTo(micros);
  }

  @Test
  void parseRefusesSubMicroAmounts() {
    assertThatThrownBy(() -> Micros.parse("0.0000001")).isInstanceOf(ArithmeticException.class);
  }
}
