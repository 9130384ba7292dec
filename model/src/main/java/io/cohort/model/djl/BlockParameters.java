package io.cohort.model.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.model.layout.ParameterLayout;
import io.cohort.model.layout.TensorShape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps the parameters of a block built by {@link ModelBlocks} to and from Cohort's canonical flat
 * vector: linear layer {@code i} (in order of appearance) holds {@code layer<i>.weight} [out, in]
 * and {@code layer<i>.bias} [out], laid out as {@link ModelArchitecture#layout()} says.
 *
 * <p>{@link #write} sets each existing parameter array in place. It does not use
 * {@code Block.loadParameters}, which replaces the arrays, drops their gradient flag and leaks the
 * old ones.
 */
public final class BlockParameters {

  private final ModelArchitecture architecture;
  private final ParameterLayout layout;

  public BlockParameters(ModelArchitecture architecture) {
    this.architecture = architecture;
    this.layout = architecture.layout();
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** The values of every tensor, in layout order. */
  public float[] read(Block block) {
    float[] values = new float[layout.totalElements()];
    for (TensorShape tensor : layout.tensors()) {
      NDArray array = checkedArray(block, tensor);
      float[] data = array.toFloatArray();
      System.arraycopy(data, 0, values, layout.offsetOf(tensor.name()), data.length);
    }
    return values;
  }

  /**
   * Sets every tensor of the block from {@code values} (layout order), in place: the arrays stay
   * the same objects and keep their requires-gradient flag.
   *
   * @throws IllegalArgumentException if the vector's length or a tensor's shape or type differs
   *     from the layout; the block is unchanged when the length is wrong
   */
  public void write(Block block, float[] values) {
    if (values.length != layout.totalElements()) {
      throw new IllegalArgumentException("parameter vector has " + values.length
          + " values, but the model layout needs " + layout.totalElements() + " (" + layout + ")");
    }
    List<NDArray> arrays = new ArrayList<>();
    for (TensorShape tensor : layout.tensors()) {
      arrays.add(checkedArray(block, tensor));
    }
    for (int t = 0; t < arrays.size(); t++) {
      TensorShape tensor = layout.tensors().get(t);
      int offset = layout.offsetOf(tensor.name());
      arrays.get(t).set(FloatBuffer.wrap(values, offset, (int) tensor.elements()).slice());
    }
  }

  /** The block's parameter holding the named tensor. */
  public Parameter parameter(Block block, String tensorName) {
    if (!layout.contains(tensorName)) {
      throw new IllegalArgumentException("unknown tensor " + tensorName + ": the model has "
          + layout.tensors().stream().map(TensorShape::name).toList());
    }
    int dot = tensorName.indexOf('.');
    int index = Integer.parseInt(tensorName.substring("layer".length(), dot));
    String kind = tensorName.substring(dot + 1);
    return linearLayers(block).get(index).getDirectParameters().get(kind);
  }

  private NDArray checkedArray(Block block, TensorShape tensor) {
    Parameter parameter = parameter(block, tensor.name());
    if (!parameter.isInitialized()) {
      throw new IllegalStateException("tensor " + tensor.name()
          + " is not initialized: build the block with ModelBlocks.initialized");
    }
    NDArray array = parameter.getArray();
    Shape expected = new Shape(tensor.dims());
    if (!array.getShape().equals(expected)) {
      throw new IllegalArgumentException("tensor " + tensor.name() + ": the block holds shape "
          + array.getShape() + ", the model layout says " + Arrays.toString(tensor.dims()));
    }
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("tensor " + tensor.name() + " is "
          + array.getDataType() + ", expected float32");
    }
    return array;
  }

  private List<Linear> linearLayers(Block block) {
    List<Linear> layers = new ArrayList<>();
    collectLinear(block, layers);
    if (layers.size() != architecture.depth()) {
      throw new IllegalArgumentException("the block has " + layers.size()
          + " linear layers, but the model '" + architecture.spec().getArchitecture() + "' has "
          + architecture.depth());
    }
    return layers;
  }

  private static void collectLinear(Block block, List<Linear> out) {
    if (block instanceof Linear linear) {
      out.add(linear);
      return;
    }
    for (Block child : block.getChildren().values()) {
      collectLinear(child, out);
    }
  }
}
