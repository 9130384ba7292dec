package io.cohort.edge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.cohort.edge.data.TabularData;
import io.cohort.model.djl.BlockParameters;
import io.cohort.model.djl.ModelBlocks;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.proto.v1.Metrics;
import io.cohort.proto.v1.TrainConfig;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Trains a model on the node's local data, starting from the global parameters of a round.
 *
 * <p>Each step: forward and backward on a mini-batch (order shuffled per epoch by a generator
 * seeded with {@code TrainConfig.seed}), the {@link GradientTransform}, then the FedProx pull
 * {@code mu * (w - w_global)} (the gradient of {@code mu/2 * ||w - w_global||^2}, added after the
 * transform because it does not depend on the data), then an SGD or Adam update of the trainable
 * tensors. Frozen tensors get no gradient and are never updated. Every step's arrays live in a
 * sub-manager that is closed at the end of the step, so memory stays flat.
 *
 * <p>DJL's PyTorch engine allows one active {@code GradientCollector} per process, so training
 * calls in one JVM run one at a time.
 */
public final class LocalTrainer {

  public static final List<String> OPTIMIZERS = List.of("sgd", "adam");

  /** Held by every training run: the engine allows one active gradient collector per process. */
  static final ReentrantLock ONE_COLLECTOR_PER_PROCESS = new ReentrantLock();

  private final ModelArchitecture architecture;
  private final BlockParameters blockParameters;
  private final ParameterLayout trainable;
  private final NDManager manager;
  private final GradientTransform gradientTransform;

  /**
   * @param manager parent of the arrays of each training run (its device is used); not closed here
   */
  public LocalTrainer(ModelArchitecture architecture, NDManager manager) {
    this(architecture, manager, GradientTransform.identity());
  }

  public LocalTrainer(ModelArchitecture architecture, NDManager manager,
      GradientTransform gradientTransform) {
    this.architecture = architecture;
    this.blockParameters = new BlockParameters(architecture);
    this.trainable = architecture.trainableLayout();
    this.manager = manager;
    this.gradientTransform = gradientTransform;
  }

  /**
   * Trains for {@code config.local_epochs} epochs from {@code globalParameters} (full layout).
   *
   * @throws IllegalArgumentException if the config, data or parameters do not fit the model
   * @throws IllegalStateException if the loss becomes NaN or infinite (training diverged)
   */
  public TrainingResult train(float[] globalParameters, TrainConfig config, TabularData data,
      ProgressListener listener) {
    validate(architecture, config, data);
    GradMode.offOnThisThread(manager);
    ONE_COLLECTOR_PER_PROCESS.lock();
    try (NDManager runManager = manager.newSubManager()) {
      Block block = ModelBlocks.load(architecture, runManager, globalParameters);
      Run run = new Run(block, runManager, globalParameters, config, data, listener);
      run.trainAll();
      return result(architecture, block, globalParameters, data.rows(), data.rows(),
          run.epochLossSum, run.epochCorrect);
    } finally {
      ONE_COLLECTOR_PER_PROCESS.unlock();
    }
  }

  /**
   * The result of a run: the block's parameters, the delta of the trainable tensors against the
   * global ones, {@code samples} (the aggregation weight), and the loss and accuracy over the
   * last epoch ({@code epochExamples} examples).
   */
  static TrainingResult result(ModelArchitecture architecture, Block block, float[] global,
      long samples, long epochExamples, double epochLossSum, long epochCorrect) {
    BlockParameters blockParameters = new BlockParameters(architecture);
    ParameterLayout trainable = architecture.trainableLayout();
    float[] local = blockParameters.read(block);
    float[] delta = trainable.extractFrom(blockParameters.layout(), local);
    float[] base = trainable.extractFrom(blockParameters.layout(), global);
    for (int i = 0; i < delta.length; i++) {
      delta[i] -= base[i];
    }
    long rows = Math.max(1, epochExamples);
    Metrics metrics = Metrics.newBuilder()
        .setLoss(epochLossSum / rows)
        .setAccuracy((double) epochCorrect / rows)
        .setAuc(Double.NaN)
        .setExamples(epochExamples)
        .build();
    return new TrainingResult(local, delta, samples, metrics);
  }

  /**
   * The sum of a batch's per-example losses.
   *
   * @throws IllegalStateException if it is NaN or infinite (training diverged)
   */
  static double finiteLossSum(NDArray losses) {
    double lossSum = losses.sum().getFloat();
    if (!Double.isFinite(lossSum)) {
      throw new IllegalStateException("training diverged: the loss is " + lossSum
          + "; lower the learning rate");
    }
    return lossSum;
  }

  /** Checks what every trainer needs: data that fits the model and a sane configuration. */
  static void validate(ModelArchitecture architecture, TrainConfig config, TabularData data) {
    ModelInputs.requireCompatible(architecture, data);
    if (data.rows() == 0) {
      throw new IllegalArgumentException("no training rows");
    }
    if (config.getLocalEpochs() < 1) {
      throw new IllegalArgumentException("local_epochs must be at least 1, got "
          + config.getLocalEpochs());
    }
    if (config.getBatchSize() < 1) {
      throw new IllegalArgumentException("batch_size must be at least 1, got "
          + config.getBatchSize());
    }
    if (!OPTIMIZERS.contains(config.getOptimizer())) {
      throw new IllegalArgumentException("unknown optimizer '" + config.getOptimizer()
          + "': use one of " + OPTIMIZERS);
    }
    if (!(config.getLearningRate() > 0) || Double.isInfinite(config.getLearningRate())) {
      throw new IllegalArgumentException("learning_rate must be a positive number, got "
          + config.getLearningRate());
    }
    if (!(config.getProximalMu() >= 0) || Double.isInfinite(config.getProximalMu())) {
      throw new IllegalArgumentException("proximal_mu must be 0 or positive, got "
          + config.getProximalMu());
    }
  }

  /** The state of one call to {@link #train}. */
  private final class Run {

    private final Block block;
    private final NDManager runManager;
    private final TrainConfig config;
    private final TabularData data;
    private final ProgressListener listener;
    private final TrainableParameters tensors;
    private final List<String> names;
    private final List<Parameter> parameters;
    private final ParameterStore store;
    private double epochLossSum;
    private long epochCorrect;

    Run(Block block, NDManager runManager, float[] global, TrainConfig config, TabularData data,
        ProgressListener listener) {
      this.block = block;
      this.runManager = runManager;
      this.config = config;
      this.data = data;
      this.listener = listener;
      this.store = new ParameterStore(runManager, false);
      this.tensors = new TrainableParameters(blockParameters, trainable, block, runManager,
          global, config);
      this.names = tensors.names();
      this.parameters = tensors.parameters();
    }

    void trainAll() {
      int rows = data.rows();
      int batch = config.getBatchSize();
      int stepsPerEpoch = (rows + batch - 1) / batch;
      long totalSteps = (long) stepsPerEpoch * config.getLocalEpochs();
      long done = 0;
      int[] order = new int[rows];
      for (int i = 0; i < rows; i++) {
        order[i] = i;
      }
      SplittableRandom random = new SplittableRandom(config.getSeed());
      for (int epoch = 0; epoch < config.getLocalEpochs(); epoch++) {
        shuffle(order, random);
        epochLossSum = 0;
        epochCorrect = 0;
        for (int from = 0; from < rows; from += batch) {
          int to = Math.min(rows, from + batch);
          try (NDManager stepManager = runManager.newSubManager()) {
            step(stepManager, order, from, to);
          }
          listener.onProgress((double) ++done / totalSteps, epochLossSum / to);
        }
      }
    }

    private void step(NDManager stepManager, int[] order, int from, int to) {
      int batchSize = to - from;
      NDArray x = ModelInputs.features(stepManager, data, order, from, to);
      NDArray y = ModelInputs.labels(stepManager, data, order, from, to);
      NDArray logits;
      NDArray losses;
      try (GradientCollector collector = runManager.getEngine().newGradientCollector()) {
        logits = block.forward(store, new NDList(x), true).singletonOrThrow();
        losses = ModelInputs.crossEntropy(logits, y);
        collector.backward(losses.mean());
      }
      epochLossSum += finiteLossSum(losses);
      epochCorrect += ModelInputs.correct(logits, y);

      NDList gradients = new NDList(parameters.size());
      for (int i = 0; i < parameters.size(); i++) {
        NDArray gradient = parameters.get(i).getArray().getGradient();
        gradient.attach(stepManager); // getGradient() wraps the tensor's grad in a new handle
        gradient.setName(names.get(i));
        gradients.add(gradient);
      }
      NDList transformed = gradientTransform.apply(gradients, batchSize);
      requireSameShapes(gradients, transformed);
      tensors.apply(transformed, stepManager);
      for (NDArray gradient : gradients) {
        gradient.subi(gradient); // zero the accumulated grad in place for the next step
      }
    }

    private void requireSameShapes(NDList gradients, NDList transformed) {
      if (transformed.size() != gradients.size()) {
        throw new IllegalStateException("the gradient transform returned " + transformed.size()
            + " gradients for " + gradients.size() + " trainable tensors");
      }
      for (int i = 0; i < gradients.size(); i++) {
        if (!transformed.get(i).getShape().equals(gradients.get(i).getShape())) {
          throw new IllegalStateException("the gradient transform changed the shape of "
              + names.get(i) + " from " + gradients.get(i).getShape() + " to "
              + transformed.get(i).getShape());
        }
      }
    }
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
