package io.cohort.edge.training;

/** Hears about local training after every step. */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = (fraction, runningLoss) -> { };

  /**
   * @param fraction steps done over all steps, in (0, 1]
   * @param runningLoss mean loss over the current epoch's examples so far
   */
  void onProgress(double fraction, double runningLoss);
}
