package io.cohort.edge.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartDiseaseTest {

  @Test
  void sitesAreTheFourHospitalsAsTheCsvSpellsThem() {
    assertThat(HeartDisease.sites()).containsExactly("cleveland", "hungarian", "switzerland",
        "va");
  }

  @Test
  void droppingRowsWithMissingValuesLeaves740RowsLikeFlamby() {
    Map<String, LocalDataset> all = HeartDisease.loadAll();

    assertThat(all.values().stream().mapToInt(LocalDataset::rows).sum()).isEqualTo(740);
    assertThat(all.get("cleveland").rows()).isEqualTo(303);
    assertThat(all.get("hungarian").rows()).isEqualTo(261);
    assertThat(all.get("switzerland").rows()).isEqualTo(46);
    assertThat(all.get("va").rows()).isEqualTo(130);
  }

  @Test
  void perSiteClassCountsAndSplits() {
    Map<String, LocalDataset> all = HeartDisease.loadAll();

    assertThat(all.get("cleveland").classCounts()).containsExactly(164, 139);
    assertThat(all.get("hungarian").classCounts()).containsExactly(163, 98);
    assertThat(all.get("switzerland").classCounts()).containsExactly(1, 45);
    assertThat(all.get("va").classCounts()).containsExactly(29, 101);
    assertThat(List.of(all.get("cleveland").train().rows(), all.get("hungarian").train().rows(),
        all.get("switzerland").train().rows(), all.get("va").train().rows()))
        .containsExactly(200, 173, 31, 86);
  }

  @Test
  void everySiteHasTenFeaturesTwoClassesAndTheSameFingerprint() {
    for (String site : HeartDisease.sites()) {
      LocalDataset d = HeartDisease.load(site);
      assertThat(d.train().numFeatures()).isEqualTo(10);
      assertThat(d.train().numClasses()).isEqualTo(2);
      assertThat(d.schemaFingerprint()).isEqualTo(HeartDisease.schema().fingerprint());
    }
    assertThat(HeartDisease.schema().inputFeatures()).isEqualTo(10);
  }

  @Test
  void cholZeroIsKeptAsAValueAsFlambyDoes() {
    TabularData swiss = HeartDisease.load("switzerland").train();

    // every Swiss chol is 0, scaled by the shared constants (0 - 200) / 100
    for (int r = 0; r < swiss.rows(); r++) {
      assertThat(swiss.features()[r * 10 + 4]).isEqualTo(-2f);
    }
  }

  @Test
  void everySiteScalesWithTheSameSharedConstants() {
    NormalizationStats cleveland = HeartDisease.load("cleveland").normalization();

    assertThat(HeartDisease.load("va").normalization()).isEqualTo(cleveland);
    assertThat(cleveland.mean()).containsExactly(50, 0.5, 2.5, 130, 200, 0.5, 1, 140, 0.5, 1);
  }

  @Test
  void pooledHeldOutIsTheUnionOfTheSitesHeldOutSplits() {
    TabularData pooled = HeartDisease.pooledHeldOut();

    assertThat(pooled.rows()).isEqualTo(740 - 200 - 173 - 31 - 86);
    assertThat(pooled.numFeatures()).isEqualTo(10);
    TabularData va = HeartDisease.load("va").eval();
    int vaStart = pooled.rows() - va.rows();
    assertThat(pooled.select(java.util.stream.IntStream.range(vaStart, pooled.rows()).toArray()))
        .usingRecursiveComparison().isEqualTo(va);
  }

  @Test
  void aSitesOwnCsvAndTheSchemaFileGiveTheSameDataAsThePreset(
      @TempDir(factory = BuildTempDir.class) Path dir) {
    Path csv = dir.resolve("hungarian.csv");
    Path schema = dir.resolve("schema.yaml");

    HeartDisease.writeSiteCsv("hungarian", csv);
    HeartDisease.writeSchema(schema);
    LocalDataset own = LocalDataset.load(csv, schema);
    LocalDataset preset = HeartDisease.load("hungarian");

    assertThat(Csv.read(csv).rows()).hasSize(294)
        .allSatisfy(row -> assertThat(row.get(15)).isEqualTo("hungarian"));
    assertThat(own.train()).usingRecursiveComparison().isEqualTo(preset.train());
    assertThat(own.eval()).usingRecursiveComparison().isEqualTo(preset.eval());
    assertThat(own.schemaFingerprint()).isEqualTo(preset.schemaFingerprint());
  }

  @Test
  void aSitesCsvKeepsTheOriginalLines(
      @TempDir(factory = BuildTempDir.class) Path dir) throws Exception {
    Path csv = dir.resolve("va.csv");

    HeartDisease.writeSiteCsv("va", csv);

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("age,sex,cp,trestbps,chol,fbs,restecg,thalach,exang,"
        + "oldpeak,slope,ca,thal,num,target,site");
    assertThat(lines).hasSize(201).allSatisfy(l -> assertThat(l).doesNotContain("\""));
  }

  @Test
  void anUnknownSiteIsRefused() {
    assertThatThrownBy(() -> HeartDisease.preset("hungary")).isInstanceOf(DataException.class)
        .hasMessage("unknown heart-disease site 'hungary' (sites: cleveland, hungarian, "
            + "switzerland, va)");
  }
}
