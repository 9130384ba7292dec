package io.cohort.edge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.cohort.model.djl.BlockParameters;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.model.layout.TensorShape;
import io.cohort.proto.v1.TrainConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainable tensors of a block during one training run, and how a step applies gradients to
 * them: the FedProx pull {@code mu * (w - w_global)} (the gradient of
 * {@code mu/2 * ||w - w_global||^2}; it does not depend on the data, so it is added after any
 * gradient transform or privacy mechanism), then an SGD or Adam update. Shared by the plain and
 * the DP-SGD trainers.
 */
final class TrainableParameters {

  private final List<String> names = new ArrayList<>();
  private final List<Parameter> parameters = new ArrayList<>();
  private final List<NDArray> anchors = new ArrayList<>(); // global values, for FedProx
  private final Optimizer optimizer;
  private final float mu;

  /**
   * @param runManager owns the run's arrays (the FedProx anchors go there)
   * @param global the global parameters of the round, full layout
   */
  TrainableParameters(BlockParameters blockParameters, ParameterLayout trainable, Block block,
      NDManager runManager, float[] global, TrainConfig config) {
    this.optimizer = optimizer(config);
    this.mu = (float) config.getProximalMu();
    ParameterLayout full = blockParameters.layout();
    for (TensorShape tensor : trainable.tensors()) {
      names.add(tensor.name());
      parameters.add(blockParameters.parameter(block, tensor.name()));
      if (mu > 0) {
        float[] values = new float[(int) tensor.elements()];
        System.arraycopy(global, full.offsetOf(tensor.name()), values, 0, values.length);
        anchors.add(runManager.create(values, new Shape(tensor.dims())));
      }
    }
  }

  List<String> names() {
    return names;
  }

  List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Adds the FedProx pull to each gradient (trainable-layout order) and lets the optimizer update
   * the weights in place; temporary arrays go to {@code stepManager}.
   */
  void apply(NDList gradients, NDManager stepManager) {
    for (int i = 0; i < parameters.size(); i++) {
      NDArray weight = parameters.get(i).getArray();
      NDArray gradient = gradients.get(i);
      if (mu > 0) {
        NDArray pull = weight.sub(anchors.get(i)); // results join the weight's manager...
        pull.attach(stepManager); // ...so move them to the step's
        gradient = gradient.add(pull.muli(mu));
        gradient.attach(stepManager);
      }
      optimizer.update(names.get(i), weight, gradient);
    }
  }

  private static Optimizer optimizer(TrainConfig config) {
    Tracker rate = Tracker.fixed((float) config.getLearningRate());
    return switch (config.getOptimizer()) {
      case "sgd" -> Optimizer.sgd().setLearningRateTracker(rate).build();
      case "adam" -> Optimizer.adam().optLearningRateTracker(rate).build();
      default -> throw new IllegalArgumentException("unknown optimizer " + config.getOptimizer());
    };
  }
}
