package io.cohort.edge.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.cohort.model.djl.DjlRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DpBenchCommandTest {

  @Test
  void theDemoCaseMeasuresBothTrainersPerStep() {
    DpBenchCommand bench = new DpBenchCommand();
    bench.repeats = 1;
    bench.sigma = 1.0;
    bench.clipNorm = 1.0;
    try (NDManager manager = DjlRuntime.start(DjlRuntime.Settings.defaults()).newManager()) {

      DpBenchCommand.Row row = bench.measure(DpBenchCommand.CASES.get(0), manager);

      assertThat(row.plainMillis()).isPositive();
      assertThat(row.dpMillis()).isPositive();
      assertThat(row.plainCpuMillis()).isPositive();
      assertThat(row.ratio()).isEqualTo(row.dpMillis() / row.plainMillis());
    }
  }

  @Test
  void theReportNamesTheMachineTheCommandAndHasOneRowPerModel() {
    List<DpBenchCommand.Row> rows = List.of(
        new DpBenchCommand.Row(DpBenchCommand.CASES.get(0), 0.5, 0.6, 0.5, 0.55),
        new DpBenchCommand.Row(DpBenchCommand.CASES.get(1), 16, 23, 16, 22));

    String report = DpBenchCommand.report(rows, "cohort dp-bench --repeats 3", "2.7.1");

    assertThat(report).startsWith("machine: ").contains(" cores, ").contains("PyTorch 2.7.1")
        .contains("command: cohort dp-bench --repeats 3")
        .contains("| demo: logistic, 10 features | 22 | 16 | 0.500 | 0.600 | 1.20x | 0.500 |"
            + " 0.550 | 1.10x |")
        .contains("| MLP 784-512-512-10 | 669,706 | 256 | 16.000 | 23.000 | 1.44x |");
  }

  @Test
  void helpDescribesTheOptions() {
    String help = new CommandLine(new DpBenchCommand()).getUsageMessage();

    assertThat(help).contains("dp-bench", "--repeats", "--threads", "--noise-multiplier",
        "--clip-norm", "--out");
  }
}
