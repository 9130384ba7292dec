package io.cohort.coordinator.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs forward passes for concurrent requests together: a worker takes the first waiting
 * request, then keeps collecting for at most {@code maxWait} (or until {@code maxRows} rows),
 * and scores each model's rows in one pass. Under load batches fill at once, so throughput grows
 * with concurrency; alone, a request waits at most {@code maxWait}. With {@code maxWait} zero,
 * callers score their own rows inline (batching off).
 */
public final class MicroBatcher implements AutoCloseable {

  private record Job(ServedModel model, float[] features, int rows,
      CompletableFuture<float[]> result) {}

  private final long maxWaitNanos;
  private final int maxRows;
  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param maxWait how long a batch may wait to fill; zero = no batching
   * @param maxRows rows per batch at most
   * @param workers batching threads
   */
  public MicroBatcher(Duration maxWait, int maxRows, int workers) {
    this.maxWaitNanos = maxWait.toNanos();
    this.maxRows = maxRows;
    if (maxWaitNanos > 0) {
      for (int i = 0; i < workers; i++) {
        Thread t = new Thread(this::work, "inference-batcher-" + i);
        t.setDaemon(true);
        t.start();
        this.workers.add(t);
      }
    }
  }

  public boolean batching() {
    return maxWaitNanos > 0;
  }

  /** Class probabilities of the rows, {@code rows * numClasses} values. */
  public CompletableFuture<float[]> submit(ServedModel model, float[] features, int rows) {
    if (!batching()) {
      float[] out = new float[rows * model.numClasses()];
      model.probabilities(features, 0, rows, out);
      return CompletableFuture.completedFuture(out);
    }
    CompletableFuture<float[]> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new IllegalStateException("inference is shutting down"));
      return result;
    }
    queue.add(new Job(model, features, rows, result));
    return result;
  }

  private void work() {
    List<Job> batch = new ArrayList<>();
    while (!closed) {
      try {
        Job first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        int rows = first.rows();
        long deadline = System.nanoTime() + maxWaitNanos;
        while (rows < maxRows) {
          Job next = queue.poll();
          if (next == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || (next = queue.poll(left, TimeUnit.NANOSECONDS)) == null) {
              break;
            }
          }
          batch.add(next);
          rows += next.rows();
        }
        run(batch);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        batch.forEach(j -> j.result().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
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
      int width = model.pass().numFeatures();
      int classes = model.numClasses();
      int rows = jobs.stream().mapToInt(Job::rows).sum();
      float[] features = new float[rows * width];
      int at = 0;
      for (Job j : jobs) {
        System.arraycopy(j.features(), 0, features, at * width, j.rows() * width);
        at += j.rows();
      }
      float[] out = new float[rows * classes];
      model.probabilities(features, 0, rows, out);
      at = 0;
      for (Job j : jobs) {
        float[] mine = new float[j.rows() * classes];
        System.arraycopy(out, at * classes, mine, 0, mine.length);
        at += j.rows();
        j.result().complete(mine);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) {
      t.interrupt();
    }
    Job j;
    while ((j = queue.poll()) != null) {
      j.result().completeExceptionally(new IllegalStateException("inference is shutting down"));
    }
  }
}
