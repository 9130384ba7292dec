package io.cohort.edge.training;

import ai.djl.ndarray.NDList;

/**
 * Changes the gradients of one training step before the optimizer applies them: the seam where
 * differential privacy (clipping, noise) hooks in.
 */
@FunctionalInterface
public interface GradientTransform {

  /**
   * @param gradients the gradient of the batch's mean loss for each trainable tensor, in
   *     trainable-layout order, each named after its tensor ({@code NDArray.getName()}); they
   *     belong to the step's manager ({@code gradients.getManager()}), where new arrays should
   *     go too
   * @param batchSize examples in the batch
   * @return the gradients to apply, same order and shapes (may be {@code gradients} itself)
   */
  NDList apply(NDList gradients, int batchSize);

  static GradientTransform identity() {
    return (gradients, batchSize) -> gradients;
  }
}
