package io.cohort.coordinator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureEncoderTest {

  FeatureEncoder encoder = new FeatureEncoder(ServedFederation.SCHEMA, 3);

  @Test
  void numericIsScaledAndCategoricalIsOneHot() throws Exception {
    float[] rows = encoder.encode(List.of(ServedFederation.record(70, "m"),
        ServedFederation.record(45, "f")));

    assertThat(rows).containsExactly(2f, 0f, 1f, -0.5f, 1f, 0f);
  }

  @Test
  void eachBadInputNamesTheRecordAndFeature() {
    FeatureRecord ok = ServedFederation.record(60, "m");
    assertRefused(List.of(ok, ok.toBuilder().removeFeatures("sex").build()),
        "records[1].features[\"sex\"]: missing feature");
    assertRefused(List.of(ok.toBuilder().putFeatures("bmi",
        FeatureValue.newBuilder().setNumber(1).build()).build()),
        "records[0].features[\"bmi\"]: unknown feature; the model takes [age, sex]");
    assertRefused(List.of(ok.toBuilder().putFeatures("sex",
        FeatureValue.newBuilder().setNumber(1).build()).build()),
        "records[0].features[\"sex\"]: must be one of the categories [f, m], got the number");
    assertRefused(List.of(ServedFederation.record(Double.POSITIVE_INFINITY, "m")),
        "records[0].features[\"age\"]: must be finite, got Infinity");
    assertRefused(List.of(ok.toBuilder().putFeatures("age",
        FeatureValue.getDefaultInstance()).build()),
        "records[0].features[\"age\"]: must be a number, got no value");
    assertRefused(List.of(), "records: at least one record");
    assertRefused(Collections.nCopies(4, ok), "records: 4 records exceed the limit of 3");
  }

  void assertRefused(List<FeatureRecord> records, String message) {
    assertThatThrownBy(() -> encoder.encode(records)).isInstanceOfSatisfying(
        InferenceException.class, e -> {
          assertThat(e.code()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains(message);
        });
  }
}
