package io.cohort.edge.training;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch records gradients per thread, and a new thread starts with recording on; DJL turns it
 * off only on the thread that started the engine, and a {@code GradientCollector} restores what it
 * found. Training and evaluation call this first so that nothing outside a backward pass builds a
 * graph, whatever thread they run on.
 */
final class GradMode {

  private GradMode() {}

  static void offOnThisThread(NDManager manager) {
    if ("PyTorch".equals(manager.getEngine().getEngineName()) && JniUtils.isGradMode()) {
      JniUtils.setGradMode(false);
    }
  }
}
