package io.cohort.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BillingCommandTest {

  @Test
  void helpListsEverySettingWithItsEnvironmentVariable() {
    StringWriter out = new StringWriter();
    CommandLine cli = BillingCommand.commandLine().setOut(new PrintWriter(out));

    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("--kafka", "COHORT_KAFKA", "--period-length",
        "--platform-fee", "--public-benefit-discount", "--state-dir", "--dedup-retention",
        "--http", "COHORT_BILLING_HTTP", "balance", "statement", "audit");
  }

  @Test
  void theHttpAddressDefaultsToLoopback() {
    assertThat(BillingCommand.httpAddress("8080").getHostString()).isEqualTo("127.0.0.1");
    assertThat(BillingCommand.httpAddress(":0").getPort()).isZero();
    assertThat(BillingCommand.httpAddress("0.0.0.0:9090").getHostString()).isEqualTo("0.0.0.0");
    assertThat(BillingCommand.httpAddress("0.0.0.0:9090").getPort()).isEqualTo(9090);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BillingCommand.httpAddress("web"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[HOST:]PORT");
  }

  @Test
  void aMalformedAccountIsRefusedWithAHint() {
    StringWriter err = new StringWriter();
    CommandLine cli = BillingCommand.commandLine().setErr(new PrintWriter(err));

    assertThat(cli.execute("balance", "acme", "--kafka", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("not an account: 'acme'", "consumer:<id>");
  }

  @Test
  void settingsFollowTheOptions() {
    BillingCommand command = new BillingCommand();
    new CommandLine(command).parseArgs("--platform-fee", "0.3", "--public-benefit-discount",
        "0.05", "--period-length", "PT1M", "--currency", "USD");

    assertThat(command.settings().fees().platformFeePpm()).isEqualTo(300_000);
    assertThat(command.settings().fees().publicBenefitDiscountPpm()).isEqualTo(50_000);
    assertThat(command.settings().currency()).isEqualTo("USD");
    assertThat(command.settings().periods().calendar().periodOf(61_000).startMs())
        .isEqualTo(60_000);
  }
}
