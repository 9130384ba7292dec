package io.cohort.coordinator.contribution;

import io.cohort.model.inference.ForwardPass;
import io.cohort.model.inference.ValidationSet;
import io.cohort.model.layout.ModelArchitecture;
import io.cohort.proto.v1.ModelSpec;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Real small federations for the tests: two Gaussian blobs in the plane (class 0 around
 * (-d, -d), class 1 around (d, d), unit variance), a logistic model starting from zero, and
 * node updates made by a few steps of full-batch gradient descent on each node's own rows.
 */
final class Blobs {

  static final ModelArchitecture LOGISTIC = new ModelArchitecture(ModelSpec.newBuilder()
      .setArchitecture("logistic").setInputFeatures(2).setNumClasses(2).build());
  static final ForwardPass PASS = new ForwardPass(LOGISTIC);
  /** The base model of every round here: all zero, so it predicts 50/50 for every row. */
  static final float[] BASE = new float[PASS.parameterCount()];

  /** The operator's validation set: 400 rows, blob centres 2 * sqrt(2) apart. */
  static final ValidationSet VALIDATION = sample(400, 1.0, 99);
  /** 200 rows like the validation set, 10 steps. */
  static final NodeUpdate STRONG = train(sample(200, 1.0, 1), 10, 0.5);
  /** 40 rows of closer (harder) blobs, 3 steps. */
  static final NodeUpdate WEAK = train(sample(40, 0.5, 2), 3, 0.5);
  /** 60 rows with every label flipped: this update makes the model worse. */
  static final NodeUpdate HARMFUL = train(flipped(sample(60, 1.0, 3)), 10, 0.5);
  /** 100 rows of well separated blobs, 5 steps. */
  static final NodeUpdate SHARP = train(sample(100, 1.5, 4), 5, 0.5);

  private Blobs() {}

  static ValidationSet sample(int rows, double distance, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] features = new float[rows * 2];
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = r % 2;
      double centre = labels[r] == 1 ? distance : -distance;
      features[2 * r] = (float) (centre + gaussian(random));
      features[2 * r + 1] = (float) (centre + gaussian(random));
    }
    return new ValidationSet(features, labels, 2, 2);
  }

  /** The same rows with every label flipped: a node whose data teaches the opposite. */
  static ValidationSet flipped(ValidationSet data) {
    int[] labels = new int[data.rows()];
    for (int r = 0; r < labels.length; r++) {
      labels[r] = 1 - data.labels()[r];
    }
    return new ValidationSet(data.features(), labels, 2, 2);
  }

  /** {@code local - BASE} after {@code steps} of gradient descent on the mean cross-entropy. */
  static NodeUpdate train(ValidationSet data, int steps, double learningRate) {
    float[] params = BASE.clone();
    int weight = LOGISTIC.layout().offsetOf("layer0.weight");
    int bias = LOGISTIC.layout().offsetOf("layer0.bias");
    for (int step = 0; step < steps; step++) {
      float[] p = PASS.probabilities(params, data.features());
      double[] gradient = new double[params.length];
      for (int r = 0; r < data.rows(); r++) {
        for (int c = 0; c < 2; c++) {
          double error = p[2 * r + c] - (data.labels()[r] == c ? 1 : 0);
          gradient[weight + 2 * c] += error * data.features()[2 * r];
          gradient[weight + 2 * c + 1] += error * data.features()[2 * r + 1];
          gradient[bias + c] += error;
        }
      }
      for (int k = 0; k < params.length; k++) {
        params[k] -= (float) (learningRate * gradient[k] / data.rows());
      }
    }
    float[] delta = new float[params.length];
    for (int k = 0; k < delta.length; k++) {
      delta[k] = params[k] - BASE[k];
    }
    return new NodeUpdate(delta, data.rows());
  }

  static NodeUpdate zeroUpdate(long samples) {
    return new NodeUpdate(new float[PASS.parameterCount()], samples);
  }

  static RoundUpdates round(Map<String, NodeUpdate> updates) {
    return new RoundUpdates(BASE, LOGISTIC.layout(), LOGISTIC.trainableLayout(), updates);
  }

  /** A utility measured on {@link #VALIDATION}. */
  static Utility utility(String metric) {
    return Utility.validation(metric, LOGISTIC, VALIDATION);
  }

  /** An exact copy of an update, in a new array, as a node re-sending it would upload it. */
  static NodeUpdate copyOf(NodeUpdate update) {
    return new NodeUpdate(update.delta().clone(), update.samples());
  }

  /** The gain of all nodes together over the base model. */
  static double gain(RoundUpdates round, Utility utility) {
    return utility.value(round.subModel(round.nodes())) - utility.value(BASE);
  }

  static double sum(Map<String, Double> scores) {
    return scores.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
