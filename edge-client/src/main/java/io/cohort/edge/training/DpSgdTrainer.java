package io.cohort.edge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import io.cohort.edge.data.TabularData;
import io.cohort.model.djl.BlockParameters;
import io.cohort.model.djl.ModelBlocks;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.TrainConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Trains like {@link LocalTrainer}, but each step is a DP-SGD step ({@link DpSgdConfig}): a
 * Poisson batch, per-example gradients clipped to norm C ({@link GhostClipping}, vectorized),
 * Gaussian noise of standard deviation {@code sigma C} on their sum, divided by the expected batch
 * size; then the FedProx pull (it does not touch the data, so it stays outside the DP step) and the
 * SGD or Adam update. Frozen tensors get neither gradient nor noise.
 *
 * <p>Batch sampling and noise come from a {@link CsprngStream} keyed from {@code SecureRandom}
 * afresh for every run: the key never leaves this object. {@code TrainConfig.batch_size} and
 * {@code seed} are not used (the batch size is the configured expected one; a DP run must not be
 * reproducible from a seed anyone else knows).
 *
 * <p>The result's metrics (loss, accuracy over the last epoch's batches) are computed on the
 * private data without noise: they are for the node's own eyes, not to be shipped as they are.
 */
public final class DpSgdTrainer {

  private final ModelArchitecture architecture;
  private final BlockParameters blockParameters;
  private final NDManager manager;
  private final DpSgdConfig dp;

  /**
   * @param manager parent of the arrays of each training run (its device is used); not closed here
   * @throws IllegalArgumentException if the model has a layer DP-SGD cannot clip per example
   */
  public DpSgdTrainer(ModelArchitecture architecture, NDManager manager, DpSgdConfig dp) {
    this.architecture = architecture;
    this.blockParameters = new BlockParameters(architecture);
    this.manager = manager;
    this.dp = dp;
    try (NDManager probe = manager.newSubManager()) {
      GhostClipping.of(ModelBlocks.initialized(architecture, probe), architecture, probe);
    }
  }

  /**
   * Trains for {@code config.local_epochs} epochs of {@link DpSgdConfig#stepsPerEpoch} DP-SGD
   * steps from {@code globalParameters} (full layout).
   *
   * @throws IllegalArgumentException if the config, data or parameters do not fit the model, or
   *     the expected batch exceeds the number of records
   * @throws IllegalStateException if the loss becomes NaN or infinite (training diverged)
   */
  public TrainingResult train(float[] globalParameters, TrainConfig config, TabularData data,
      ProgressListener listener) {
    LocalTrainer.validate(architecture, config, data);
    double q = dp.samplingRate(data.rows());
    GradMode.offOnThisThread(manager);
    LocalTrainer.ONE_COLLECTOR_PER_PROCESS.lock();
    try (NDManager runManager = manager.newSubManager()) {
      Block block = ModelBlocks.load(architecture, runManager, globalParameters);
      Run run = new Run(block, runManager, globalParameters, config, data, q);
      long stepsPerEpoch = dp.stepsPerEpoch(data.rows());
      long totalSteps = stepsPerEpoch * config.getLocalEpochs();
      long done = 0;
      for (int epoch = 0; epoch < config.getLocalEpochs(); epoch++) {
        run.startEpoch();
        for (long s = 0; s < stepsPerEpoch; s++) {
          run.step();
          listener.onProgress((double) ++done / totalSteps, run.runningLoss());
        }
      }
      return LocalTrainer.result(architecture, block, globalParameters, data.rows(),
          run.epochExamples, run.epochLossSum, run.epochCorrect);
    } finally {
      LocalTrainer.ONE_COLLECTOR_PER_PROCESS.unlock();
    }
  }

  /** One training run: its model, sampler, noise and running metrics. */
  final class Run {

    private final NDManager runManager;
    private final TabularData data;
    private final TrainableParameters tensors;
    private final GhostClipping clipping;
    private final PoissonSampler sampler;
    private final GaussianNoise noise;
    private final float[] squaredRowNorms;
    private final float[] noiseValues;
    private final ByteBuffer noiseBuffer; // direct: the engine copies from it without a detour
    private final double noiseStd;
    private final double scale;
    private long epochExamples;
    private double epochLossSum;
    private long epochCorrect;

    Run(Block block, NDManager runManager, float[] global, TrainConfig config, TabularData data,
        double q) {
      this.runManager = runManager;
      this.data = data;
      this.tensors = new TrainableParameters(blockParameters, architecture.trainableLayout(),
          block, runManager, global, config);
      this.clipping = GhostClipping.of(block, architecture, runManager);
      CsprngStream stream = CsprngStream.secure();
      this.sampler = new PoissonSampler(data.rows(), q, stream);
      this.noise = new GaussianNoise(stream);
      this.squaredRowNorms = squaredRowNorms(data);
      this.noiseValues = new float[architecture.trainableLayout().totalElements()];
      this.noiseBuffer = ByteBuffer.allocateDirect(noiseValues.length * Float.BYTES)
          .order(ByteOrder.nativeOrder());
      this.scale = 1.0 / dp.expectedBatch();
      this.noiseStd = dp.noiseMultiplier() * dp.clipNorm() * scale;
    }

    void startEpoch() {
      epochExamples = 0;
      epochLossSum = 0;
      epochCorrect = 0;
    }

    double runningLoss() {
      return epochExamples == 0 ? Double.NaN : epochLossSum / epochExamples;
    }

    /** One DP-SGD step on a fresh Poisson batch. */
    void step() {
      try (NDManager stepManager = runManager.newSubManager()) {
        int size = sampler.next();
        NDList gradients = size == 0 ? clipping.zeroSum(stepManager)
            : clippedSum(stepManager, sampler.batch(), size);
        addNoise(gradients, stepManager);
        tensors.apply(gradients, stepManager);
      }
    }

    private NDList clippedSum(NDManager stepManager, int[] rows, int size) {
      NDArray x = ModelInputs.features(stepManager, data, rows, 0, size);
      NDArray y = ModelInputs.labels(stepManager, data, rows, 0, size);
      float[] norms = new float[size];
      for (int k = 0; k < size; k++) {
        norms[k] = squaredRowNorms[rows[k]];
      }
      GhostClipping.Pass pass;
      NDArray losses;
      try (GradientCollector collector = runManager.getEngine().newGradientCollector()) {
        pass = clipping.forward(stepManager, x, norms);
        losses = ModelInputs.crossEntropy(pass.logits(), y);
        collector.backward(losses.sum());
      }
      epochLossSum += LocalTrainer.finiteLossSum(losses);
      epochCorrect += ModelInputs.correct(pass.logits(), y);
      epochExamples += size;
      return pass.clippedSum(stepManager, dp.clipNorm(), scale);
    }

    /** Adds N(0, (sigma C / B)^2) to every coordinate, in place. */
    private void addNoise(NDList gradients, NDManager stepManager) {
      noise.fill(noiseValues, 0, noiseValues.length, noiseStd);
      noiseBuffer.clear();
      noiseBuffer.asFloatBuffer().put(noiseValues);
      int offset = 0;
      for (NDArray gradient : gradients) {
        int bytes = (int) gradient.size() * Float.BYTES;
        ByteBuffer slice = noiseBuffer.slice(offset, bytes).order(ByteOrder.nativeOrder());
        gradient.addi(stepManager.create(slice, gradient.getShape(), DataType.FLOAT32));
        offset += bytes;
      }
    }
  }

  private static float[] squaredRowNorms(TabularData data) {
    int width = data.numFeatures();
    float[] features = data.features();
    float[] norms = new float[data.rows()];
    for (int r = 0; r < norms.length; r++) {
      double sum = 0;
      for (int f = 0; f < width; f++) {
        double v = features[r * width + f];
        sum += v * v;
      }
      norms[r] = (float) sum;
    }
    return norms;
  }
}
