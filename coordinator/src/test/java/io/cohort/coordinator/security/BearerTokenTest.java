package io.cohort.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

  @Test
  void readsTheTokenWhateverTheSchemeCaseAndBlanks() {
    assertThat(BearerToken.from("Bearer abc")).isEqualTo("abc");
    assertThat(BearerToken.from("  bearer   abc  ")).isEqualTo("abc");
    assertThat(BearerToken.from(BearerToken.header("k-1"))).isEqualTo("k-1");
  }

  @Test
  void otherSchemesAndMissingHeadersHaveNoToken() {
    assertThat(BearerToken.from(null)).isNull();
    assertThat(BearerToken.from("Basic dXNlcjpwYXNz")).isNull();
    assertThat(BearerToken.from("Bearerabc")).isNull();
  }
}
