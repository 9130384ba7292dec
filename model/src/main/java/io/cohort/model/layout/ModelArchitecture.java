package io.cohort.model.layout;

import io.cohort.proto.v1.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a {@link ModelSpec} into a parameter layout and a seeded initialization. Pure Java, so the
 * coordinator can create and check models without starting a deep-learning engine.
 *
 * <p>Layer {@code i} has tensors {@code layer<i>.weight} [out, in] and {@code layer<i>.bias} [out].
 */
public final class ModelArchitecture {

  public static final List<String> ARCHITECTURES = List.of("logistic", "mlp");

  private final ModelSpec spec;
  private final List<int[]> layers = new ArrayList<>(); // {in, out}

  public ModelArchitecture(ModelSpec spec) {
    this.spec = validate(spec);
    int in = spec.getInputFeatures();
    List<Integer> widths = new ArrayList<>(spec.getHiddenLayersList());
    widths.add(spec.getNumClasses());
    for (int out : widths) {
      layers.add(new int[] {in, out});
      in = out;
    }
  }

  public static ModelSpec validate(ModelSpec spec) {
    if (!ARCHITECTURES.contains(spec.getArchitecture())) {
      throw new IllegalArgumentException("unknown model architecture '" + spec.getArchitecture()
          + "': use one of " + ARCHITECTURES);
    }
    if (spec.getInputFeatures() <= 0) {
      throw new IllegalArgumentException("model input_features must be positive, got "
          + spec.getInputFeatures());
    }
    if (spec.getNumClasses() < 2) {
      throw new IllegalArgumentException("model num_classes must be at least 2, got "
          + spec.getNumClasses());
    }
    if (spec.getArchitecture().equals("logistic") && spec.getHiddenLayersCount() > 0) {
      throw new IllegalArgumentException("a logistic model has no hidden layers");
    }
    if (spec.getArchitecture().equals("mlp") && spec.getHiddenLayersCount() == 0) {
      throw new IllegalArgumentException("an mlp model needs at least one hidden layer");
    }
    for (int w : spec.getHiddenLayersList()) {
      if (w <= 0) {
        throw new IllegalArgumentException("hidden layer width must be positive, got " + w);
      }
    }
    return spec;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** Number of linear layers. */
  public int depth() {
    return layers.size();
  }

  /** {in, out} of linear layer i. */
  public int[] layer(int i) {
    return layers.get(i).clone();
  }

  public ParameterLayout layout() {
    List<TensorShape> shapes = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      int[] io = layers.get(i);
      shapes.add(new TensorShape("layer" + i + ".weight", new long[] {io[1], io[0]}));
      shapes.add(new TensorShape("layer" + i + ".bias", new long[] {io[1]}));
    }
    ParameterLayout full = new ParameterLayout(shapes);
    full.without(spec.getFrozenTensorsList()); // validates frozen names
    return full;
  }

  /** The tensors that are trained and shipped in updates. */
  public ParameterLayout trainableLayout() {
    return layout().without(spec.getFrozenTensorsList());
  }

  /** Xavier-uniform weights and zero biases from a seeded generator: same seed, same model. */
  public float[] initialize(long seed) {
    ParameterLayout layout = layout();
    float[] values = new float[layout.totalElements()];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < layers.size(); i++) {
      int[] io = layers.get(i);
      double limit = Math.sqrt(6.0 / (io[0] + io[1]));
      int off = layout.offsetOf("layer" + i + ".weight");
      for (int k = 0; k < io[0] * io[1]; k++) {
        values[off + k] = (float) random.nextDouble(-limit, limit);
      }
    }
    return values;
  }
}
