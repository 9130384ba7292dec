package io.cohort.coordinator.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.proto.v1.ApiPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyStoreTest {

  @TempDir Path dir;

  @Test
  void createdKeyAuthenticatesAndOnlyItsHashIsOnDisk() throws Exception {
    try (ApiKeyStore store = new ApiKeyStore(dir)) {
      ApiKeyStore.Created c = store.create("clinic", ApiPlan.SUBSCRIPTION_PLAN, true);

      assertThat(store.authenticate(c.apiKey())).contains(c.info());
      assertThat(c.info().getPublicBenefit()).isTrue();
      String file = Files.readString(dir.resolve("keys/api-keys.jsonl"));
      assertThat(file).doesNotContain(c.apiKey()).contains(ApiKeyFormat.hash(c.apiKey()));
    }
  }

  @Test
  void wrongSecretWithARealKeyIdIsRefused() {
    try (ApiKeyStore store = new ApiKeyStore(dir)) {
      String key = store.create("clinic", ApiPlan.PAYG, false).apiKey();
      String forged = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
      assertThat(store.authenticate(forged)).isEmpty();
      assertThat(store.authenticate("not a key")).isEmpty();
    }
  }

  @Test
  void revocationIsDurableAndIdempotent() {
    String key;
    String id;
    try (ApiKeyStore store = new ApiKeyStore(dir)) {
      ApiKeyStore.Created c = store.create("clinic", ApiPlan.PAYG, false);
      key = c.apiKey();
      id = c.info().getKeyId();
      assertThat(store.revoke(id)).get().matches(i -> i.getRevokedAtMs() > 0);
      assertThat(store.revoke(id)).isPresent();
      assertThat(store.revoke("000000000000")).isEmpty();
    }
    try (ApiKeyStore reopened = new ApiKeyStore(dir)) {
      assertThat(reopened.authenticate(key)).isEmpty();
      assertThat(reopened.list()).singleElement().matches(i -> i.getRevokedAtMs() > 0);
    }
  }

  @Test
  void tornLastLineIsIgnoredOnOpen() throws Exception {
    String key;
    try (ApiKeyStore store = new ApiKeyStore(dir)) {
      key = store.create("clinic", ApiPlan.PAYG, false).apiKey();
    }
    Files.writeString(dir.resolve("keys/api-keys.jsonl"), "{\"op\":\"rev",
        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (ApiKeyStore reopened = new ApiKeyStore(dir)) {
      assertThat(reopened.authenticate(key)).isPresent();
    }
  }

  @Test
  void malformedConsumerIdIsRefusedNamingTheField() {
    try (ApiKeyStore store = new ApiKeyStore(dir)) {
      assertThatThrownBy(() -> store.create("a b", ApiPlan.PAYG, false))
          .hasMessageContaining("consumer_id");
      assertThat(store.list()).isEmpty();
    }
  }
}
