package io.cohort.deploy.spec;

import io.cohort.coordinator.inference.InferenceSchemas;
import io.cohort.edge.data.DataSchema;
import io.cohort.proto.v1.InferenceSchema;
import io.cohort.proto.v1.InputFeature;
import io.cohort.proto.v1.InputFeatureType;
import java.nio.file.Path;

/**
 * What consumers send to a federation's model, derived from its data schema: feature names,
 * types, categories and the fixed scaling the server applies. Written into the coordinator's
 * data dir so the inference API validates records by name.
 */
public final class ConsumerSchema {

  private ConsumerSchema() {}

  /** Writes the inference schema of the spec's federation when the spec names a data schema. */
  public static void save(FederationFile file, String federationId, Path coordinatorDataDir) {
    if (file.schema().isEmpty()) {
      return;
    }
    InferenceSchemas.save(coordinatorDataDir, of(federationId, SchemaBinding.schema(file)));
  }

  /** Local normalisation cannot be reproduced at the server, so such features pass unscaled. */
  static InferenceSchema of(String federationId, DataSchema schema) {
    InferenceSchema.Builder b = InferenceSchema.newBuilder().setFederationId(federationId)
        .addAllClassNames(schema.label().rule().classNames());
    for (DataSchema.Feature f : schema.features()) {
      InputFeature.Builder in = InputFeature.newBuilder().setName(f.name());
      if (f.type() == DataSchema.FeatureType.CATEGORICAL) {
        in.setType(InputFeatureType.CATEGORICAL).addAllCategories(f.categories());
      } else {
        in.setType(InputFeatureType.NUMERIC).setCenter(f.scaling().map(s -> s.center()).orElse(0.0))
            .setScale(f.scaling().map(s -> s.scale()).orElse(1.0));
      }
      b.addFeatures(in);
    }
    return b.build();
  }
}
