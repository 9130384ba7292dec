package io.cohort.coordinator.aggregation;

import io.cohort.proto.v1.TrainConfig;
import java.nio.file.Path;

/**
 * The common shape of the Byzantine-robust strategies (median, trimmed mean, Krum): they need all
 * of a round's updates at once, kept off-heap in {@link MappedUpdates} under the federation's
 * staging directory, and apply their robust estimate of the round's update with rate 1. They have
 * no optimizer state.
 *
 * <p>Updates are not weighted by their sample counts: a count is self-reported, and an attacker
 * claiming many samples must not outweigh honest nodes.
 */
abstract class RobustStrategy implements Strategy {

  /** Coordinates read per update at a time: heap use is (updates x BLOCK) floats. */
  static final int BLOCK = 1 << 14;

  private final String name;
  private final Path stagingDir;
  private int rounds;

  /**
   * @param stagingDir directory this strategy owns for the files of the round in progress
   */
  RobustStrategy(String name, Path stagingDir) {
    this.name = name;
    this.stagingDir = stagingDir;
  }

  /** The round's robust update, one value per trainable parameter; may flag nodes. */
  abstract double[] aggregate(MappedUpdates updates);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final TrainConfig configureRound(int round, TrainConfig base) {
    return base;
  }

  /** Also deletes the files of an earlier round that never finished (quorum missed, stop). */
  @Override
  public final synchronized UpdateAccumulator newAccumulator(int elements) {
    MappedUpdates.deleteTree(stagingDir);
    rounds++;
    return new MappedUpdates(stagingDir.resolve("round-" + rounds), elements);
  }

  /**
   * @throws IllegalArgumentException if the accumulator is not this strategy's or differs in size
   * @throws IllegalStateException if no update was accumulated
   */
  @Override
  public final float[] finishRound(float[] current, UpdateAccumulator accumulator) {
    if (!(accumulator instanceof MappedUpdates updates)) {
      throw new IllegalArgumentException("expected the accumulator made by newAccumulator, got "
          + accumulator.getClass().getName());
    }
    if (updates.elements() != current.length) {
      throw new IllegalArgumentException("the round accumulated updates of "
          + updates.elements() + " elements but the model has " + current.length);
    }
    if (updates.count() == 0) {
      throw new IllegalStateException("no updates to aggregate");
    }
    try {
      double[] delta = aggregate(updates);
      float[] next = new float[current.length];
      for (int i = 0; i < next.length; i++) {
        next[i] = (float) (current[i] + delta[i]);
      }
      return next;
    } finally {
      updates.close();
    }
  }

  @Override
  public final byte[] saveState() {
    return new byte[0];
  }

  /** @throws IllegalArgumentException unless {@code state} is empty: these strategies have none */
  @Override
  public final void restoreState(byte[] state) {
    if (state.length != 0) {
      throw new IllegalArgumentException("strategy " + name + " has no state, got "
          + state.length + " bytes");
    }
  }
}
