package io.cohort.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

  @TempDir Path dir;

  final ModelArchitecture mlp = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("mlp").setInputFeatures(4).setNumClasses(2).addHiddenLayers(3).build());

  @Test
  void writtenModelReadsBackExactly() {
    float[] values = mlp.initialize(9);
    Path file = dir.resolve("m.cohortmodel");
    ModelFile.write(file, mlp.layout(), values);
    assertThat(ModelFile.read(file, mlp.layout())).containsExactly(values);
  }

  @Test
  void modelOfAnotherArchitectureIsRefusedNamingBothLayouts() {
    Path file = dir.resolve("m.cohortmodel");
    ModelFile.write(file, mlp.layout(), mlp.initialize(1));
    ModelArchitecture other = new ModelArchitecture(ModelSpec.newBuilder()
        .setArchitecture("logistic").setInputFeatures(4).setNumClasses(2).build());
    assertThatThrownBy(() -> ModelFile.read(file, other.layout()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has tensors")
        .hasMessageContaining("needs");
  }

  @Test
  void corruptedPayloadIsRefused() throws Exception {
    Path file = dir.resolve("m.cohortmodel");
    ModelFile.write(file, mlp.layout(), mlp.initialize(1));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x55;
    Files.write(file, bytes);
    assertThatThrownBy(() -> ModelFile.read(file, mlp.layout()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checksum");
  }

  @Test
  void notAModelFileIsRefused() throws Exception {
    Path file = dir.resolve("x.cohortmodel");
    Files.writeString(file, "hello world, not a model");
    assertThatThrownBy(() -> ModelFile.read(file, mlp.layout()))
        .hasMessageContaining("is not a .cohortmodel file");
  }
}
