package io.cohort.edge.privacy;

/**
 * An (epsilon, delta) guarantee read off the RDP curve: {@code epsilon} at the given delta, and the
 * Renyi {@code order} that attains it (the minimum over the grid). {@code epsilon} is
 * {@code +infinity} (and {@code order} NaN) when no order gives a finite bound.
 */
public record EpsilonResult(double epsilon, double order) {
}
