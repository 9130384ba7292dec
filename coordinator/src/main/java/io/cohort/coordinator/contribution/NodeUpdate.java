package io.cohort.coordinator.contribution;

/**
 * One node's update in a round: {@code delta = local - base} over the trainable layout, and its
 * aggregation weight (the sample count it reported, as in FedAvg). The array is not copied.
 */
public record NodeUpdate(float[] delta, long samples) {

  public NodeUpdate {
    if (samples <= 0) {
      throw new IllegalArgumentException("update weight (samples) must be positive, got "
          + samples);
    }
  }
}
