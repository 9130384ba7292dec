package io.cohort.model.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import io.cohort.model.layout.ModelArchitecture;

/**
 * Builds the DJL network of a {@link ModelArchitecture}: one {@link Linear} layer per layer of the
 * architecture, ReLU between them, logits out (no softmax).
 */
public final class ModelBlocks {

  private ModelBlocks() {}

  /** The uninitialized network. */
  public static SequentialBlock build(ModelArchitecture architecture) {
    SequentialBlock block = new SequentialBlock();
    for (int i = 0; i < architecture.depth(); i++) {
      if (i > 0) {
        block.add(Activation.reluBlock());
      }
      block.add(Linear.builder().setUnits(architecture.layer(i)[1]).optBias(true).build());
    }
    return block;
  }

  /**
   * The network with float32 parameters in {@code manager} for inputs of shape
   * [batch, input_features]. Values are zeros (no engine randomness): write the real ones with
   * {@link BlockParameters#write}. Tensors the spec freezes do not require gradients.
   */
  public static SequentialBlock initialized(ModelArchitecture architecture, NDManager manager) {
    SequentialBlock block = build(architecture);
    block.setInitializer(Initializer.ZEROS, parameter -> true);
    block.initialize(manager, DataType.FLOAT32,
        new Shape(1, architecture.spec().getInputFeatures()));
    BlockParameters parameters = new BlockParameters(architecture);
    for (String frozen : architecture.spec().getFrozenTensorsList()) {
      parameters.parameter(block, frozen).freeze(true);
    }
    return block;
  }

  /** {@link #initialized} then {@link BlockParameters#write} of {@code values} (full layout). */
  public static SequentialBlock load(ModelArchitecture architecture, NDManager manager,
      float[] values) {
    SequentialBlock block = initialized(architecture, manager);
    new BlockParameters(architecture).write(block, values);
    return block;
  }
}
