package io.cohort.coordinator.contribution;

import io.cohort.coordinator.registry.DurableFiles;
import io.cohort.model.inference.ValidationSet;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The operator's validation set of a federation, kept in the coordinator's data directory so a
 * restarted coordinator scores contributions and prices versions exactly as before. Format:
 * magic {@code COHORTV1}, rows, features, classes (ints), features (floats), labels (ints).
 */
public final class ValidationSetFile {

  private static final long MAGIC = 0x434F484F52545631L; // "COHORTV1"

  private ValidationSetFile() {}

  public static void write(Path file, ValidationSet set) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeLong(MAGIC);
      out.writeInt(set.rows());
      out.writeInt(set.numFeatures());
      out.writeInt(set.numClasses());
      for (float f : set.features()) {
        out.writeFloat(f);
      }
      for (int l : set.labels()) {
        out.writeInt(l);
      }
      DurableFiles.writeAtomically(file, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Optional<ValidationSet> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readLong() != MAGIC) {
        throw new IllegalStateException("validation set " + file + " is corrupt");
      }
      int rows = in.readInt();
      int features = in.readInt();
      int classes = in.readInt();
      float[] x = new float[rows * features];
      for (int i = 0; i < x.length; i++) {
        x[i] = in.readFloat();
      }
      int[] y = new int[rows];
      for (int i = 0; i < rows; i++) {
        y[i] = in.readInt();
      }
      return Optional.of(new ValidationSet(x, y, features, classes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read validation set " + file, e);
    }
  }
}
