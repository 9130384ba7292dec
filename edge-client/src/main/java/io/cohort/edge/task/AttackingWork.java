package io.cohort.edge.task;

import io.cohort.edge.training.ProgressListener;
import io.cohort.proto.v1.EvaluationResult;
import io.cohort.proto.v1.ModelSpec;
import io.cohort.proto.v1.Task;
import java.util.Locale;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A model-poisoning node for robustness tests and demonstrations (never for production): it
 * trains honestly with the work it wraps, then corrupts the update it uploads. The classic
 * untargeted attacks of the Byzantine-robust FL literature:
 *
 * <ul>
 *   <li>{@code scale}: the honest delta times {@code factor} (a boosted update);
 *   <li>{@code sign-flip}: the honest delta times {@code -factor} (pushes the model backwards);
 *   <li>{@code random}: Gaussian noise with standard deviation {@code factor} per parameter,
 *       seeded by the round, in place of the delta.
 * </ul>
 *
 * Evaluation is left honest, so the damage shows only through the aggregate.
 */
public final class AttackingWork implements LocalWork {

  /** How the update is corrupted. */
  public enum Attack {
    SCALE, SIGN_FLIP, RANDOM;

    /**
     * @throws IllegalArgumentException naming the accepted values for an unknown name
     */
    public static Attack parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown attack '" + name
            + "': use scale, sign-flip or random");
      }
    }
  }

  private final LocalWork honest;
  private final Attack attack;
  private final double factor;

  /**
   * @param factor the scale ({@code scale}, {@code sign-flip}) or noise deviation ({@code random}),
   *     positive and finite
   */
  public AttackingWork(LocalWork honest, Attack attack, double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("attack factor must be positive and finite, got "
          + factor);
    }
    this.honest = honest;
    this.attack = attack;
    this.factor = factor;
  }

  @Override
  public TrainOutcome train(ModelSpec model, Task task, float[] global, ProgressListener progress,
      BooleanSupplier cancelled) {
    TrainOutcome trained = honest.train(model, task, global, progress, cancelled);
    return new TrainOutcome(corrupt(trained.delta(), task.getRound()), trained.samples(),
        trained.trainMetrics(), trained.epsilonSpent());
  }

  /** The corrupted update for round {@code round}; {@code delta} is not modified. */
  float[] corrupt(float[] delta, int round) {
    float[] out = new float[delta.length];
    Random random = new Random(round * 1_000_003L);
    for (int i = 0; i < delta.length; i++) {
      out[i] = switch (attack) {
        case SCALE -> (float) (delta[i] * factor);
        case SIGN_FLIP -> (float) (-delta[i] * factor);
        case RANDOM -> (float) (random.nextGaussian() * factor);
      };
    }
    return out;
  }

  @Override
  public EvaluationResult evaluate(ModelSpec model, Task task, float[] parameters) {
    return honest.evaluate(model, task, parameters);
  }
}
