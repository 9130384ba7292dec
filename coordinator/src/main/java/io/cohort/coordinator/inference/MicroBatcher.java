package io.cohort.coordinator.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Scores concurrent requests together (leader/follower, no extra thread): a request queues its
 * rows; the first request thread to find no batch running becomes the leader, keeps collecting
 * while more requests are on their way ({@link #arrive} announced, not yet queued) for at most
 * {@code maxWait} or {@code maxRows} rows, then scores each model's rows in one pass and hands
 * every follower its slice. A lone request never waits, so batching costs nothing at low load
 * and fills batches as load grows. With {@code maxWait} zero every request scores its own rows.
 */
public final class MicroBatcher {

  private record Job(ServedModel model, float[] features, int rows,
      CompletableFuture<float[]> result) {}

  private final long maxWaitNanos;
  private final int maxRows;
  private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger arriving = new AtomicInteger();
  private final AtomicBoolean leading = new AtomicBoolean();

  /**
   * @param maxWait how long a batch may wait for announced requests; zero = no batching
   * @param maxRows rows per batch at most
   */
  public MicroBatcher(Duration maxWait, int maxRows) {
    this.maxWaitNanos = maxWait.toNanos();
    this.maxRows = maxRows;
  }

  public boolean batching() {
    return maxWaitNanos > 0;
  }

  /** Announces a request that will call {@link #score} (or {@link #leave}) soon. */
  public void arrive() {
    arriving.incrementAndGet();
  }

  /** An announced request that will not be scored after all (it was refused). */
  public void leave() {
    arriving.decrementAndGet();
  }

  /** Class probabilities of the rows, {@code rows * numClasses} values; ends an arrival. */
  public float[] score(ServedModel model, float[] features, int rows) {
    arriving.decrementAndGet();
    if (!batching()) {
      return scoreAlone(model, features, rows);
    }
    Job job = new Job(model, features, rows, new CompletableFuture<>());
    queue.add(job);
    while (true) {
      if (leading.compareAndSet(false, true)) {
        try {
          lead();
        } finally {
          leading.set(false);
        }
      }
      try {
        // A follower whose rows did not fit the leader's batch leads the next one.
        return job.result().get(Math.max(maxWaitNanos * 2, 100_000), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // try to lead
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while scoring", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("scoring failed", e.getCause());
      }
    }
  }

  private static float[] scoreAlone(ServedModel model, float[] features, int rows) {
    float[] out = new float[rows * model.numClasses()];
    model.probabilities(features, 0, rows, out);
    return out;
  }

  /** Waits for announced requests (bounded), then scores one batch from the queue. */
  private void lead() {
    long deadline = System.nanoTime() + maxWaitNanos;
    while (arriving.get() > 0 && queuedRows() < maxRows && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000);
    }
    List<Job> batch = new ArrayList<>();
    int rows = 0;
    Job j;
    while (rows < maxRows && (j = queue.poll()) != null) {
      batch.add(j);
      rows += j.rows();
    }
    try {
      run(batch);
    } catch (RuntimeException e) {
      batch.forEach(b -> b.result().completeExceptionally(e));
    }
  }

  private int queuedRows() {
    int rows = 0;
    for (Job j : queue) {
      rows += j.rows();
      if (rows >= maxRows) {
        break;
      }
    }
    return rows;
  }

  /** One forward pass per model over the rows of all its jobs, then each job's slice. */
  private static void run(List<Job> batch) {
    Map<ServedModel, List<Job>> byModel = new IdentityHashMap<>();
    for (Job j : batch) {
      byModel.computeIfAbsent(j.model(), m -> new ArrayList<>()).add(j);
    }
    for (Map.Entry<ServedModel, List<Job>> e : byModel.entrySet()) {
      ServedModel model = e.getKey();
      List<Job> jobs = e.getValue();
      if (jobs.size() == 1) {
        Job only = jobs.get(0);
        only.result().complete(scoreAlone(model, only.features(), only.rows()));
        continue;
      }
      int width = model.numFeatures();
      int classes = model.numClasses();
      int rows = jobs.stream().mapToInt(Job::rows).sum();
      float[] features = new float[rows * width];
      int at = 0;
      for (Job j : jobs) {
        System.arraycopy(j.features(), 0, features, at * width, j.rows() * width);
        at += j.rows();
      }
      float[] out = scoreAlone(model, features, rows);
      at = 0;
      for (Job j : jobs) {
        float[] mine = new float[j.rows() * classes];
        System.arraycopy(out, at * classes, mine, 0, mine.length);
        at += j.rows();
        j.result().complete(mine);
      }
    }
  }
}
