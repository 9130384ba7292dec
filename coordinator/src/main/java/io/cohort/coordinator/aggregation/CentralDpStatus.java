package io.cohort.coordinator.aggregation;

/**
 * What {@link CentralDp} can publish after a round: every value is either a setting or computed
 * from noised quantities only, so publishing it costs no privacy beyond what the accountant counts.
 *
 * @param rounds rounds released under central DP so far
 * @param epsilon user-level epsilon at {@code delta} with amplification by sampling (see
 *     {@link CentralDpAccountant}); 0 before the first round
 * @param epsilonWithoutSampling user-level epsilon at {@code delta} counting every round at
 *     q = 1; never below {@code epsilon}
 * @param delta the delta of both epsilons ({@code central_dp_delta})
 * @param noiseMultiplier z, the noise multiplier the accountant uses
 * @param clip the clipping norm S the next round will use (adaptive clipping moves it)
 * @param unclippedFraction the noised fraction of last round's updates that needed no clipping,
 *     clamped to [0, 1]; NaN with a fixed clip or before the first round
 */
public record CentralDpStatus(long rounds, double epsilon, double epsilonWithoutSampling,
    double delta, double noiseMultiplier, double clip, double unclippedFraction) {
}
