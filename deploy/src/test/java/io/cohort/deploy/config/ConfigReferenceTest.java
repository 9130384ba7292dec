package io.cohort.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.cohort.deploy.CohortMain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

  /** Fails when an option was added or changed without regenerating the page. */
  @Test
  void configurationPageIsExactlyWhatTheCodeGenerates() throws Exception {
    Path page = Path.of("..", "docs", "configuration.md");
    String generated = ConfigReference.render(CohortMain.referenceTree());
    assertThat(Files.readString(page))
        .as("docs/configuration.md is stale: run deploy/bin/cohort config-reference --out"
            + " docs/configuration.md")
        .isEqualTo(generated);
  }

  @Test
  void everySubcommandOptionHasARowWithItsEnvironmentVariableAndKey() {
    String page = ConfigReference.render(CohortMain.referenceTree());
    assertThat(page).contains("## `cohort coordinator`", "## `cohort client`",
        "## `cohort billing`", "## `cohort billing balance`");
    assertThat(page).contains("| `--http-port` <httpPort>".replace("<", "&lt;")
        + " | `COHORT_HTTP_PORT` | `http-port` | `7401` |");
    assertThat(page).contains("`COHORT_NODE`, `COHORT_NODE_ID` | `node` |");
  }

  @Test
  void builtInDefaultsDoNotDependOnThisMachinesEnvironment() {
    assertThat(SettingName.builtInDefault("${env:COHORT_PORT:-7400}")).isEqualTo("7400");
    assertThat(SettingName.builtInDefault("${env:COHORT_KAFKA}")).isNull();
    assertThat(SettingName.builtInDefault("24")).isEqualTo("24");
  }
}
