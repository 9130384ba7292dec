package io.cohort.coordinator.transfer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounded pool of model-sized buffers that incoming updates are decoded into. An update is folded
 * into the round aggregate only once it is complete and verified, so it must be staged; bounding
 * the number of staged uploads keeps coordinator memory at (bound + 1) models whatever the number
 * of clients. Uploads beyond the bound wait (gRPC flow control holds the senders back).
 */
public final class StagingBuffers {

  private final int elements;
  private final Semaphore permits;
  private final Deque<float[]> free = new ArrayDeque<>();

  public StagingBuffers(int elements, int maxConcurrent) {
    this.elements = elements;
    this.permits = new Semaphore(maxConcurrent, true);
  }

  public int elements() {
    return elements;
  }

  /** A buffer, waiting up to {@code timeoutMs}; null if none became free in time. */
  public float[] acquire(long timeoutMs) throws InterruptedException {
    if (!permits.tryAcquire(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS)) {
      return null;
    }
    synchronized (free) {
      float[] b = free.poll();
      return b != null ? b : new float[elements];
    }
  }

  public void release(float[] buffer) {
    synchronized (free) {
      free.push(buffer);
    }
    permits.release();
  }
}
