package io.cohort.edge.privacy;

import ai.djl.ndarray.NDManager;
import io.cohort.edge.data.TabularData;
import io.cohort.edge.training.DpSgdConfig;
import io.cohort.edge.training.DpSgdTrainer;
import io.cohort.edge.training.LocalTrainer;
import io.cohort.edge.training.ProgressListener;
import io.cohort.model.djl.DjlRuntime;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.TrainConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cohort dp-bench}: the cost of DP-SGD. For each model, the time of one DP-SGD step (Poisson
 * batch, ghost-norm clipping, noise, update) over the time of one ordinary SGD step at the same
 * expected batch size, both measured as whole local epochs through the real trainers on
 * synthetic data, alternating, the median of several epochs each. Wall-clock time is what a
 * node waits; the CPU time of the training thread (PyTorch runs each operator on the calling
 * thread when it has one intra-op thread) is also reported, as it is far less disturbed by other
 * processes on a shared machine.
 */
@Command(name = "dp-bench", mixinStandardHelpOptions = true,
    header = "Measures DP-SGD step time against ordinary SGD and prints a table.",
    description = {"Same model and expected batch size, for the demo's logistic model and a",
        "784-512-512-10 MLP; prints the machine, the command and a table."})
public final class DpBenchCommand implements Callable<Integer> {

  /** One row of the benchmark: a model and its (expected) batch size. */
  record Case(String name, ModelSpec spec, int batch, int stepsPerEpoch) {
    long parameters() {
      return new ModelArchitecture(spec).trainableLayout().totalElements();
    }
  }

  /** A measured row: median milliseconds per step, wall-clock and CPU time of this thread. */
  record Row(Case benchCase, double plainMillis, double dpMillis, double plainCpuMillis,
      double dpCpuMillis) {
    double ratio() {
      return dpMillis / plainMillis;
    }

    double cpuRatio() {
      return dpCpuMillis / plainCpuMillis;
    }
  }

  static final List<Case> CASES = List.of(
      new Case("demo: logistic, 10 features", ModelSpec.newBuilder().setArchitecture("logistic")
          .setInputFeatures(10).setNumClasses(2).build(), 16, 200),
      new Case("MLP 784-512-512-10", ModelSpec.newBuilder().setArchitecture("mlp")
          .setInputFeatures(784).setNumClasses(10).addHiddenLayers(512).addHiddenLayers(512)
          .build(), 256, 16));

  @Option(names = "--repeats", defaultValue = "7",
      description = "Measured epochs per trainer and model; the median is reported (default"
          + " ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--threads", defaultValue = "${env:COHORT_TORCH_THREADS:-1}",
      description = "PyTorch intra-op threads (env COHORT_TORCH_THREADS, default"
          + " ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--noise-multiplier", defaultValue = "1.0",
      description = "Sigma of the DP runs (does not change the cost; default ${DEFAULT-VALUE}).")
  double sigma;

  @Option(names = "--clip-norm", defaultValue = "1.0",
      description = "Clipping norm C of the DP runs (default ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--out", description = "Also write the output to this file.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (repeats < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--repeats must be >= 1, got " + repeats);
    }
    DjlRuntime runtime = DjlRuntime.start(new DjlRuntime.Settings("cpu", threads, 1, null));
    List<Row> rows = new ArrayList<>();
    try (NDManager manager = runtime.newManager()) {
      for (Case c : CASES) {
        rows.add(measure(c, manager));
      }
    }
    String report = report(rows, "cohort dp-bench --repeats " + repeats + " --threads "
        + threads, runtime.engine().getVersion());
    System.out.print(report);
    if (out != null) {
      Files.writeString(out, report);
    }
    return 0;
  }

  Row measure(Case c, NDManager manager) {
    ModelArchitecture architecture = new ModelArchitecture(c.spec());
    TabularData data = synthetic(c.spec(), c.batch() * c.stepsPerEpoch(), 1);
    float[] global = architecture.initialize(1);
    TrainConfig config = TrainConfig.newBuilder().setLocalEpochs(1).setBatchSize(c.batch())
        .setOptimizer("sgd").setLearningRate(0.01).setSeed(1).build();
    LocalTrainer plain = new LocalTrainer(architecture, manager);
    DpSgdTrainer dp = new DpSgdTrainer(architecture, manager,
        new DpSgdConfig(c.batch(), sigma, clipNorm));
    double[][] millis = new double[4][repeats]; // plain wall, dp wall, plain cpu, dp cpu
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int r = -1; r < repeats; r++) { // r = -1 warms up
      long w0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      plain.train(global, config, data, ProgressListener.NONE);
      long w1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      dp.train(global, config, data, ProgressListener.NONE);
      long w2 = System.nanoTime();
      long c2 = threads.getCurrentThreadCpuTime();
      if (r >= 0) {
        double perStep = 1e6 * c.stepsPerEpoch();
        millis[0][r] = (w1 - w0) / perStep;
        millis[1][r] = (w2 - w1) / perStep;
        millis[2][r] = (c1 - c0) / perStep;
        millis[3][r] = (c2 - c1) / perStep;
      }
    }
    return new Row(c, median(millis[0]), median(millis[1]), median(millis[2]),
        median(millis[3]));
  }

  static String report(List<Row> rows, String command, String torchVersion) {
    StringBuilder s = new StringBuilder();
    s.append("machine: ").append(machine()).append(", PyTorch ").append(torchVersion)
        .append('\n');
    s.append("command: ").append(command).append('\n');
    s.append(String.format(Locale.ROOT, "load average at the end: %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    s.append('\n');
    s.append("| model | trainable parameters | (expected) batch | SGD ms/step | DP-SGD ms/step"
        + " | DP-SGD / SGD | SGD CPU ms/step | DP-SGD CPU ms/step | DP-SGD / SGD (CPU) |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      s.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.3f | %.3f | %.2fx | %.3f | %.3f"
              + " | %.2fx |%n", row.benchCase().name(), row.benchCase().parameters(),
          row.benchCase().batch(), row.plainMillis(), row.dpMillis(), row.ratio(),
          row.plainCpuMillis(), row.dpCpuMillis(), row.cpuRatio()));
    }
    return s.toString();
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1)
              .trim()).findFirst().orElse(cpu);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep "unknown CPU"
    }
    return String.format(Locale.ROOT, "%s, %d cores, %s %s, Java %s", cpu,
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"), System.getProperty("java.version"));
  }

  /** Gaussian features, two classes apart by one standard deviation on every feature. */
  static TabularData synthetic(ModelSpec spec, int rows, long seed) {
    int width = spec.getInputFeatures();
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[rows * width];
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      y[r] = random.nextInt(spec.getNumClasses());
      for (int f = 0; f < width; f++) {
        x[r * width + f] = (float) (y[r] * 0.5 + random.nextGaussian());
      }
    }
    return new TabularData(x, y, width, spec.getNumClasses());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Runs the benchmark without the launcher. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new DpBenchCommand()).execute(args));
  }
}
