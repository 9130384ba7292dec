package io.cohort.coordinator.inference;

import io.cohort.proto.v1.FeatureRecord;
import io.cohort.proto.v1.FeatureValue;
import io.cohort.proto.v1.InferenceSchema;
import io.cohort.proto.v1.InputFeature;
import io.cohort.proto.v1.InputFeatureType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks records against a federation's {@link InferenceSchema} and turns them into the model's
 * input rows: numeric features scaled by the schema's fixed {@code (value - center) / scale},
 * categorical ones one-hot. Every refusal names the record and feature, e.g.
 * {@code records[2].features["age"]: must be finite, got NaN}. Immutable, thread-safe.
 */
public final class FeatureEncoder {

  private final InferenceSchema schema;
  /** Feature names in schema order: a set lookup per supplied feature, and the error message. */
  private final Set<String> names;
  private final int width;
  private final int maxRecords;

  public FeatureEncoder(InferenceSchema schema, int maxRecords) {
    this.schema = schema;
    this.maxRecords = maxRecords;
    int w = 0;
    for (InputFeature f : schema.getFeaturesList()) {
      w += f.getType() == InputFeatureType.CATEGORICAL ? f.getCategoriesCount() : 1;
    }
    this.width = w;
    this.names = schema.getFeaturesList().stream().map(InputFeature::getName)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** The schema consumers' records are validated against (features, types, class names). */
  public InferenceSchema schema() {
    return schema;
  }

  /** Class names, indexing the model's outputs. */
  public List<String> classNames() {
    return schema.getClassNamesList();
  }

  /** The rows, row-major, {@code records.size() * width()} values. */
  public float[] encode(List<FeatureRecord> records) throws InferenceException {
    if (records.isEmpty()) {
      throw InferenceException.invalid("records: at least one record is required");
    }
    if (records.size() > maxRecords) {
      throw new InferenceException(io.grpc.Status.Code.INVALID_ARGUMENT, "batch_limit",
          "records: " + records.size() + " records exceed the limit of " + maxRecords
              + " per request");
    }
    float[] out = new float[records.size() * width];
    for (int r = 0; r < records.size(); r++) {
      encode(r, records.get(r).getFeaturesMap(), out, r * width);
    }
    return out;
  }

  private void encode(int r, Map<String, FeatureValue> values, float[] out, int at)
      throws InferenceException {
    for (String name : values.keySet()) {
      if (!names.contains(name)) {
        throw InferenceException.invalid(field(r, name) + ": unknown feature; the model takes "
            + names);
      }
    }
    for (InputFeature f : schema.getFeaturesList()) {
      FeatureValue v = values.get(f.getName());
      if (v == null) {
        throw InferenceException.invalid(field(r, f.getName()) + ": missing feature");
      }
      if (f.getType() == InputFeatureType.CATEGORICAL) {
        at = category(r, f, v, out, at);
      } else {
        out[at++] = number(r, f, v);
      }
    }
  }

  private static float number(int r, InputFeature f, FeatureValue v) throws InferenceException {
    if (v.getKindCase() != FeatureValue.KindCase.NUMBER) {
      throw InferenceException.invalid(field(r, f.getName()) + ": must be a number, got "
          + describe(v));
    }
    double x = v.getNumber();
    if (!Double.isFinite(x)) {
      throw InferenceException.invalid(field(r, f.getName()) + ": must be finite, got " + x);
    }
    double scale = f.getScale() == 0 ? 1 : f.getScale();
    return (float) ((x - f.getCenter()) / scale);
  }

  private static int category(int r, InputFeature f, FeatureValue v, float[] out, int at)
      throws InferenceException {
    if (v.getKindCase() != FeatureValue.KindCase.CATEGORY) {
      throw InferenceException.invalid(field(r, f.getName()) + ": must be one of the categories "
          + f.getCategoriesList() + ", got " + describe(v));
    }
    int k = f.getCategoriesList().indexOf(v.getCategory());
    if (k < 0) {
      throw InferenceException.invalid(field(r, f.getName()) + ": '" + v.getCategory()
          + "' is not one of the categories " + f.getCategoriesList());
    }
    out[at + k] = 1f;
    return at + f.getCategoriesCount();
  }



  private static String field(int record, String feature) {
    return "records[" + record + "].features[\"" + feature + "\"]";
  }

  private static String describe(FeatureValue v) {
    return switch (v.getKindCase()) {
      case NUMBER -> "the number " + v.getNumber();
      case CATEGORY -> "the text '" + v.getCategory() + "'";
      default -> "no value";
    };
  }
}
