/**
 * Record-level privacy accounting for DP-SGD at the edge client (pure Java, no DJL).
 *
 * <ul>
 *   <li>{@link io.cohort.edge.privacy.SampledGaussianRdp}: Renyi DP of one step of the
 *       Poisson-subsampled Gaussian mechanism at any order (exact binomial sum for integer
 *       orders, the Mironov-Talwar-Zhang series for fractional ones).</li>
 *   <li>{@link io.cohort.edge.privacy.RdpOrders}: the order grid (default: 200 orders, 1.1 to
 *       1024, a superset of Opacus' and TF-Privacy's).</li>
 *   <li>{@link io.cohort.edge.privacy.PrivacyAccountant}: composition over steps and phases
 *       ({@code step(q, sigma, steps)}), epsilon now or after a planned round, and the default
 *       delta {@code min(1e-5, 1/(10 n))}.</li>
 *   <li>{@link io.cohort.edge.privacy.RdpConversion}: RDP to (epsilon, delta), Balle et al. 2020
 *       (default) or classic.</li>
 *   <li>{@link io.cohort.edge.privacy.SigmaSolver}: the noise multiplier for a target epsilon,
 *       optionally on top of what an accountant has already spent.</li>
 *   <li>{@link io.cohort.edge.privacy.PrivacyCommand}: {@code cohort privacy epsilon|sigma}.</li>
 * </ul>
 */
package io.cohort.edge.privacy;
