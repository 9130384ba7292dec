package io.cohort.edge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.cohort.model.layout.ModelArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * DP-SGD's per-example clipping, vectorized with the ghost-norm method: the sum over a batch of
 * each example's gradient clipped to L2 norm C, from one forward and one backward pass, never
 * materializing a per-example gradient.
 *
 * <p>For a Linear layer {@code z = a W^T + b}, example i's weight gradient is the outer product
 * {@code G[i] a[i]^T} and its bias gradient {@code G[i]}, where {@code G = dLoss/dz} (per example:
 * the loss is the sum of per-example losses) and {@code a} is the layer's input. So example i's
 * squared gradient norm is {@code sum over layers |G[i]|^2 (|a[i]|^2 + 1)} (a frozen weight drops
 * the {@code |a[i]|^2}, a frozen bias the {@code 1}), and with clip factors
 * {@code c[i] = min(1, C / norm[i])} the clipped sums are {@code (c G)^T a} and
 * {@code sum_i c[i] G[i]}. {@code G} is read off a zero "probe" tensor added to each
 * pre-activation: the probes are the only tensors that require a gradient (the weights are used
 * through detached views), so the backward pass computes exactly the {@code G}s, no weight
 * gradients; the clipped weight gradients then cost the one matrix product per layer that a normal
 * backward pass would have spent.
 *
 * <p>Handles {@link ModelArchitecture} networks: a {@link SequentialBlock} of {@link Linear}
 * layers and element-wise activations (DJL's ReLU, sigmoid, tanh and the like). Anything else,
 * whose per-example norm this class cannot compute, is refused when the kernel is built.
 */
final class GhostClipping {

  /** DJL's element-wise activation blocks (by name): they act on each example separately. */
  static final Set<String> ELEMENTWISE_ACTIVATIONS = Set.of("ReLU", "ReLU6", "sigmoid", "Tanh",
      "softPlus", "softSign", "SELU", "GELU", "Mish");

  /** A Linear layer's detached weight and bias, and which of them are trained. */
  private record Layer(String prefix, NDArray weight, NDArray bias, boolean trainWeight,
      boolean trainBias) {}

  private final List<Object> stages = new ArrayList<>(); // Layer or activation Block, in order
  private final List<Layer> layers = new ArrayList<>();
  private final NDManager runManager;
  private final ParameterStore store;
  // scalar operands, made once per run: every scalar operation of DJL creates its operand anew
  private double cachedClipNorm = Double.NaN;
  private double cachedScale = Double.NaN;
  private NDArray clipNormArray;
  private NDArray numeratorArray;

  private GhostClipping(NDManager runManager) {
    this.runManager = runManager;
    this.store = new ParameterStore(runManager, false);
  }

  /**
   * The kernel for {@code block} (built by {@code ModelBlocks} for {@code architecture}, living in
   * {@code runManager}); its detached views of the weights stay valid while the weights are
   * updated in place.
   *
   * @throws IllegalArgumentException if the block has a layer whose per-example gradient norm is
   *     not known here
   */
  static GhostClipping of(Block block, ModelArchitecture architecture, NDManager runManager) {
    if (!(block instanceof SequentialBlock sequential)) {
      throw unsupported(0, block);
    }
    Set<String> frozen = Set.copyOf(architecture.spec().getFrozenTensorsList());
    GhostClipping kernel = new GhostClipping(runManager);
    int position = 0;
    for (Block child : sequential.getChildren().values()) {
      if (child instanceof Linear linear) {
        String prefix = "layer" + kernel.layers.size();
        Parameter weight = linear.getDirectParameters().get("weight");
        Parameter bias = linear.getDirectParameters().get("bias");
        Layer layer = new Layer(prefix, detached(weight, runManager),
            bias == null ? null : detached(bias, runManager),
            !frozen.contains(prefix + ".weight"),
            bias != null && !frozen.contains(prefix + ".bias"));
        kernel.layers.add(layer);
        kernel.stages.add(layer);
      } else if (child instanceof LambdaBlock lambda
          && ELEMENTWISE_ACTIVATIONS.contains(lambda.getName())) {
        kernel.stages.add(child);
      } else {
        throw unsupported(position, child);
      }
      position++;
    }
    if (kernel.layers.size() != architecture.depth()) {
      throw new IllegalArgumentException("the block has " + kernel.layers.size()
          + " Linear layers, the model " + architecture.depth());
    }
    return kernel;
  }

  private static NDArray detached(Parameter parameter, NDManager runManager) {
    NDArray view = parameter.getArray().stopGradient();
    view.attach(runManager);
    return view;
  }

  private static IllegalArgumentException unsupported(int position, Block block) {
    String name = block instanceof LambdaBlock lambda ? "'" + lambda.getName() + "' ("
        + block.getClass().getSimpleName() + ")" : block.getClass().getName();
    return new IllegalArgumentException("DP-SGD cannot train this model: layer " + position
        + ", " + name + ", has no per-example gradient norm here (supported: Linear layers and"
        + " the element-wise activations " + ELEMENTWISE_ACTIVATIONS.stream().sorted().toList()
        + ")");
  }

  /** One batch's forward pass: the logits, and what the clipping needs from it. */
  final class Pass {
    private final List<NDArray> inputs = new ArrayList<>(); // a[k-1] per Linear layer
    private final List<NDArray> probes = new ArrayList<>();
    private final NDArray firstLayerFactors; // |x[i]|^2 + 1 as the first layer needs it, or null
    private final NDArray logits;

    private Pass(NDManager stepManager, NDArray x, float[] inputSquaredNorms) {
      this.firstLayerFactors = inputSquaredNorms == null ? null
          : firstLayerFactors(stepManager, inputSquaredNorms);
      NDArray a = x;
      for (Object stage : stages) {
        if (stage instanceof Layer layer) {
          inputs.add(a);
          NDArray z = layer.bias == null ? Linear.linear(a, layer.weight).singletonOrThrow()
              : Linear.linear(a, layer.weight, layer.bias).singletonOrThrow();
          NDArray probe = stepManager.zeros(z.getShape());
          probe.setRequiresGradient(true);
          probes.add(probe);
          a = z.add(probe);
        } else {
          a = ((Block) stage).forward(store, new NDList(a), true).singletonOrThrow();
        }
      }
      this.logits = a;
    }

    NDArray logits() {
      return logits;
    }

    /**
     * After the backward pass of the batch's summed loss: {@code scale} times the sum of the
     * per-example gradients clipped to norm {@code clipNorm}, one array per trainable tensor in
     * trainable-layout order, each named after its tensor, in {@code stepManager}.
     */
    NDList clippedSum(NDManager stepManager, double clipNorm, double scale) {
      List<NDArray> outputGradients = new ArrayList<>(); // G per layer
      NDArray squaredNorms = null; // [B, 1]
      for (int k = 0; k < layers.size(); k++) {
        Layer layer = layers.get(k);
        NDArray g = probes.get(k).getGradient();
        g.attach(stepManager); // getGradient() wraps the grad in a new handle
        outputGradients.add(g);
        if (!layer.trainWeight && !layer.trainBias) {
          continue;
        }
        NDArray term = g.square().sum(new int[] {1}, true);
        if (k == 0 && firstLayerFactors != null) {
          term = term.muli(firstLayerFactors);
        } else if (layer.trainWeight) {
          NDArray inputNorms = inputs.get(k).square().sum(new int[] {1}, true);
          term = term.muli(layer.trainBias ? inputNorms.addi(one(stepManager)) : inputNorms);
        }
        squaredNorms = squaredNorms == null ? term : squaredNorms.addi(term);
      }
      NDList sums = new NDList();
      if (squaredNorms == null) {
        return sums; // nothing is trained
      }
      // per-example factors scale * min(1, C / norm) = (scale C) / max(norm, C)
      scalars(clipNorm, scale);
      NDArray factors = numeratorArray.div(squaredNorms.sqrt().maximum(clipNormArray));
      factors.attach(stepManager); // a result joins its first operand's (the run's) manager
      for (int k = 0; k < layers.size(); k++) {
        Layer layer = layers.get(k);
        if (!layer.trainWeight && !layer.trainBias) {
          continue;
        }
        NDArray clipped = outputGradients.get(k).mul(factors);
        if (layer.trainWeight) {
          sums.add(named(clipped.transpose().matMul(inputs.get(k)), layer.prefix + ".weight"));
        }
        if (layer.trainBias) {
          sums.add(named(clipped.sum(new int[] {0}), layer.prefix + ".bias"));
        }
      }
      return sums;
    }
  }

  /** {@code |x[i]|^2 [weight trained] + [bias trained]} of the first layer, as a [B, 1] array. */
  private NDArray firstLayerFactors(NDManager stepManager, float[] inputSquaredNorms) {
    Layer first = layers.get(0);
    float[] factors = new float[inputSquaredNorms.length];
    for (int i = 0; i < factors.length; i++) {
      factors[i] = (first.trainWeight ? inputSquaredNorms[i] : 0) + (first.trainBias ? 1 : 0);
    }
    return stepManager.create(factors, new Shape(factors.length, 1));
  }

  private NDArray one(NDManager stepManager) {
    return stepManager.ones(new Shape(1));
  }

  private void scalars(double clipNorm, double scale) {
    if (clipNorm != cachedClipNorm || scale != cachedScale) {
      cachedClipNorm = clipNorm;
      cachedScale = scale;
      clipNormArray = runManager.create((float) clipNorm);
      numeratorArray = runManager.create((float) (scale * clipNorm));
    }
  }

  /**
   * Runs the forward pass of a batch; call inside a gradient collector and back-propagate the
   * sum of the per-example losses of {@link Pass#logits()} before {@link Pass#clippedSum}.
   *
   * @param inputSquaredNorms {@code |x[i]|^2} per example if the caller has them (saves work),
   *     else null
   */
  Pass forward(NDManager stepManager, NDArray x, float[] inputSquaredNorms) {
    return new Pass(stepManager, x, inputSquaredNorms);
  }

  /** Zero gradients for every trainable tensor (the clipped sum of an empty batch). */
  NDList zeroSum(NDManager stepManager) {
    NDList zeros = new NDList();
    for (Layer layer : layers) {
      if (layer.trainWeight) {
        zeros.add(named(stepManager.zeros(layer.weight.getShape()), layer.prefix + ".weight"));
      }
      if (layer.trainBias) {
        zeros.add(named(stepManager.zeros(layer.bias.getShape()), layer.prefix + ".bias"));
      }
    }
    return zeros;
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }
}
