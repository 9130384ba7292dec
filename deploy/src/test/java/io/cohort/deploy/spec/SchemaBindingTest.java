package io.cohort.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cohort.deploy.UserError;
import io.cohort.edge.data.HeartDisease;
import io.cohort.model.inference.ValidationSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaBindingTest {

  @TempDir Path dir;

  @Test
  void aValidationCsvIsReadWithTheBuiltInSchemaToo() throws Exception {
    HeartDisease.writeSiteCsv("switzerland", dir.resolve("validation.csv"));
    Path spec = write("federation: {federation_id: f, model: {architecture: logistic}}\n"
        + "schema: builtin:heart\nvalidation: validation.csv\nnodes:\n  - {id: cleveland}\n");

    SchemaBinding.Bound bound = SchemaBinding.bind(FederationFile.load(spec));

    ValidationSet v = bound.validation();
    assertThat(v).isNotNull();
    assertThat(v.numFeatures()).isEqualTo(bound.spec().getModel().getInputFeatures());
    assertThat(bound.spec().getModel().getNumClasses()).isEqualTo(2);
    assertThat(bound.spec().getSchemaFingerprint()).isEqualTo(HeartDisease.schema()
        .fingerprint());
  }

  @Test
  void onlyTheHeartValidationSetIsBuiltIn() throws Exception {
    Path spec = write("federation: {federation_id: f}\nschema: builtin:heart\n"
        + "validation: builtin:mnist\n");
    assertThatThrownBy(() -> FederationFile.load(spec)).isInstanceOf(UserError.class)
        .hasMessageContaining("unknown built-in validation set 'builtin:mnist'");
  }

  @Test
  void nodeDataIsCheckedAgainstTheSchemaNamingTheNode() throws Exception {
    HeartDisease.writeSiteCsv("va", dir.resolve("va.csv"));
    Files.writeString(dir.resolve("bad.csv"), "age,sex,cp\n63,1,x\n");
    Path ok = write("federation: {federation_id: f}\nschema: builtin:heart\nnodes:\n"
        + "  - {id: va, csv: va.csv}\n  - {id: cleveland}\n");
    SchemaBinding.checkNodeData(FederationFile.load(ok));

    Path bad = write("federation: {federation_id: f}\nschema: builtin:heart\nnodes:\n"
        + "  - {id: va, csv: va.csv}\n  - {id: lab, csv: bad.csv}\n");
    assertThatThrownBy(() -> SchemaBinding.checkNodeData(FederationFile.load(bad)))
        .isInstanceOf(UserError.class).hasMessageStartingWith("node lab: ")
        .hasMessageContaining("bad.csv");

    Path noSite = write("federation: {federation_id: f}\nschema: builtin:heart\nnodes:\n"
        + "  - {id: mayo}\n");
    assertThatThrownBy(() -> SchemaBinding.checkNodeData(FederationFile.load(noSite)))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("the built-in heart data has no site 'mayo'");
  }

  private Path write(String yaml) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, yaml);
    return spec;
  }
}
