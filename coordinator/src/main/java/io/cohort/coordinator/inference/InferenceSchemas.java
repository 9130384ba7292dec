package io.cohort.coordinator.inference;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cohort.coordinator.registry.DurableFiles;
import io.cohort.proto.v1.InferenceSchema;
import io.cohort.proto.v1.InputFeature;
import io.cohort.proto.v1.InputFeatureType;
import io.cohort.proto.v1.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a federation's input schema for consumers lives: {@code
 * <data-dir>/inference/<federation>.schema.json}, written by whoever created the federation from
 * its data schema (the launcher does). Without that file the model's inputs are served as
 * numeric features {@code x0..x<n-1>} taken as they are, and classes are named by index.
 */
public final class InferenceSchemas {

  private final Path dir;

  public InferenceSchemas(Path dataDir) {
    this.dir = dataDir.resolve("inference");
  }

  /** Writes (atomically) the schema of a federation. */
  public static void save(Path dataDir, InferenceSchema schema) {
    Path dir = dataDir.resolve("inference");
    try {
      Files.createDirectories(dir);
      DurableFiles.writeAtomically(dir.resolve(schema.getFederationId() + ".schema.json"),
          JsonFormat.printer().print(schema).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the inference schema of "
          + schema.getFederationId(), e);
    }
  }

  /** The schema of a federation whose model takes {@code model}'s inputs. */
  public InferenceSchema load(String federationId, ModelSpec model) {
    Path file = dir.resolve(federationId + ".schema.json");
    if (Files.exists(file)) {
      InferenceSchema.Builder b = InferenceSchema.newBuilder();
      try {
        JsonFormat.parser().merge(Files.readString(file), b);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("inference schema " + file + " is malformed", e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      return b.build();
    }
    InferenceSchema.Builder b = InferenceSchema.newBuilder().setFederationId(federationId);
    for (int i = 0; i < model.getInputFeatures(); i++) {
      b.addFeatures(InputFeature.newBuilder().setName("x" + i).setType(InputFeatureType.NUMERIC)
          .setScale(1));
    }
    for (int c = 0; c < model.getNumClasses(); c++) {
      b.addClassNames(Integer.toString(c));
    }
    return b.build();
  }
}
