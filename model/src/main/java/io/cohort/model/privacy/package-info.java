/**
 * Privacy accounting shared by the edge client (record-level DP-SGD) and the coordinator
 * (user-level central DP): RDP of the Poisson-subsampled Gaussian mechanism
 * ({@link io.cohort.model.privacy.SampledGaussianRdp}) on a grid of orders
 * ({@link io.cohort.model.privacy.RdpOrders}), composition ({@link
 * io.cohort.model.privacy.PrivacyAccountant}) and conversion to (epsilon, delta) ({@link
 * io.cohort.model.privacy.RdpConversion}). Pure Java.
 *
 * <p>On branch helper/centraldp these classes are verbatim copies of {@code io.cohort.edge.privacy}
 * (package line changed), present only so that the coordinator compiles; they are to be replaced by
 * the move of those classes into this package.
 */
package io.cohort.model.privacy;
