package io.cohort.edge.privacy;

/**
 * Input validation shared by the accountant, the sigma solver and the CLI. Each check names the
 * parameter (as the caller spells it: {@code "sigma"} in the API, {@code "--sigma"} on the command
 * line) and the valid range, and throws {@link IllegalArgumentException} otherwise.
 */
final class Checks {

  private Checks() {
  }

  /** A sampling rate for accounting: {@code 0 < q <= 1}. */
  static double samplingRate(String name, double q) {
    if (!(q > 0.0 && q <= 1.0)) {
      throw new IllegalArgumentException(name + " (sampling rate) must be in (0, 1], got "
          + q);
    }
    return q;
  }

  /** A noise multiplier: finite and {@code > 0}. */
  static double noiseMultiplier(String name, double sigma) {
    if (!(sigma > 0.0 && sigma < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(name
          + " (noise multiplier) must be a finite number > 0, got " + sigma);
    }
    return sigma;
  }

  /** A delta: {@code 0 < delta < 1}. */
  static double delta(String name, double delta) {
    if (!(delta > 0.0 && delta < 1.0)) {
      throw new IllegalArgumentException(name + " must be in (0, 1), got " + delta);
    }
    return delta;
  }

  /** A number of steps: {@code >= 0}. */
  static long steps(String name, long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + steps);
    }
    return steps;
  }

  /** An epsilon target: finite and {@code > 0}. */
  static double epsilonTarget(String name, double epsilon) {
    if (!(epsilon > 0.0 && epsilon < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(name + " (target epsilon) must be a finite number > 0,"
          + " got " + epsilon);
    }
    return epsilon;
  }
}
