package io.cohort.coordinator.aggregation;

/**
 * One numeric hyper-parameter of a strategy as it appears in federation specs: its key, the value
 * used when the spec leaves it out, and the values it may take.
 *
 * @param name key in the federation spec, e.g. {@code "server_learning_rate"}
 * @param defaultValue value used when the spec does not set the key
 * @param range values the parameter may take
 */
public record StrategyParameter(String name, double defaultValue, Range range) {

  public StrategyParameter {
    range.check(name, defaultValue);
  }

  /** The allowed values of a parameter. NaN is in no range. */
  public enum Range {
    /** {@code (0, inf)}: learning rates and the adaptivity constant tau. */
    POSITIVE("(0, inf)") {
      @Override
      boolean contains(double value) {
        return value > 0 && value < Double.POSITIVE_INFINITY;
      }
    },
    /** {@code [0, inf)}: the FedProx proximal coefficient. */
    NON_NEGATIVE("[0, inf)") {
      @Override
      boolean contains(double value) {
        return value >= 0 && value < Double.POSITIVE_INFINITY;
      }
    },
    /** {@code [0, 1)}: momentum and moment decay rates (1 would never forget, so is excluded). */
    DECAY("[0, 1)") {
      @Override
      boolean contains(double value) {
        return value >= 0 && value < 1;
      }
    },
    /** {@code (0, 1)}: probabilities that may be neither 0 nor 1 (a quantile, a delta). */
    OPEN_UNIT("(0, 1)") {
      @Override
      boolean contains(double value) {
        return value > 0 && value < 1;
      }
    },
    /** Whole numbers {@code 1, 2, ...} up to {@code 2^31 - 1}: counts such as expected clients. */
    COUNT("{1, 2, ..., 2147483647}") {
      @Override
      boolean contains(double value) {
        return value >= 1 && value <= Integer.MAX_VALUE && value == Math.rint(value);
      }
    },
    /** {@code [0, 0.5)}: the fraction a trimmed mean drops at each end. */
    TRIM_FRACTION("[0, 0.5)") {
      @Override
      boolean contains(double value) {
        return value >= 0 && value < 0.5;
      }
    },
    /** Whole numbers {@code 0, 1, ...} up to {@code 2^31 - 1}: Krum's f and m. */
    WHOLE("{0, 1, ..., 2147483647}") {
      @Override
      boolean contains(double value) {
        return value >= 0 && value <= Integer.MAX_VALUE && value == Math.rint(value);
      }
    },
    /** {@code {0, 1}}: a switch, off or on. */
    FLAG("{0, 1}") {
      @Override
      boolean contains(double value) {
        return value == 0 || value == 1;
      }
    };

    private final String text;

    Range(String text) {
      this.text = text;
    }

    abstract boolean contains(double value);

    /**
     * Returns {@code value} if it is in this range.
     *
     * @throws IllegalArgumentException naming the parameter and the range otherwise
     */
    public double check(String parameter, double value) {
      if (!contains(value)) {
        throw new IllegalArgumentException(parameter + " must be in " + text + ", got " + value);
      }
      return value;
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
