package io.cohort.coordinator.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cohort.proto.v1.Capabilities;
import io.cohort.proto.v1.DatasetSummary;
import io.cohort.proto.v1.Encoding;
import io.cohort.proto.v1.Hello;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class HelloBoundsTest {

  private static Hello.Builder hello() {
    return Hello.newBuilder().setFederationId("heart").setNodeId("cleveland")
        .setDataset(DatasetSummary.newBuilder().setTrainExamples(200).setSchemaFingerprint(
            "a".repeat(64)).setInputFeatures(10))
        .setCapabilities(Capabilities.newBuilder().setDevice("cpu")
            .addEncodings(Encoding.FLOAT32).addEncodings(Encoding.FLOAT16));
  }

  private static Status refusal(Hello h) {
    return catchThrowableOfType(StatusRuntimeException.class,
        () -> SessionHandler.checkBounds(h)).getStatus();
  }

  @Test
  void anOrdinaryHelloPasses() {
    assertThatCode(() -> SessionHandler.checkBounds(hello().build())).doesNotThrowAnyException();
  }

  @Test
  void longStringsAreRefusedNamingTheFieldAndTheLimit() {
    Status s = refusal(hello().setCapabilities(Capabilities.newBuilder()
        .setDevice("x".repeat(500))).build());
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).isEqualTo(
        "hello.capabilities.device has 500 characters, more than the limit of 128");

    assertThat(refusal(hello().setFederationId("f".repeat(129)).build()).getDescription())
        .startsWith("hello.federation_id has 129 characters");
  }

  @Test
  void oversizedHellosAndLongEncodingListsAreRefused() {
    Capabilities.Builder many = Capabilities.newBuilder();
    for (int i = 0; i < 9; i++) {
      many.addEncodings(Encoding.FLOAT32);
    }
    assertThat(refusal(hello().setCapabilities(many).build()).getDescription())
        .isEqualTo("hello.capabilities.encodings lists 9 entries, more than the limit of 8");

    Hello.Builder big = hello();
    big.getDatasetBuilder().setSchemaFingerprint("s".repeat(5_000));
    assertThat(refusal(big.build()).getDescription()).matches("hello is \\d+ bytes, more than"
        + " the limit of 4096");
  }
}
