/**
 * Privacy accounting shared by the edge client (record-level DP-SGD) and the coordinator
 * (user-level central DP): RDP of the Poisson-subsampled Gaussian mechanism
 * ({@link io.cohort.model.privacy.SampledGaussianRdp}) on a grid of orders
 * ({@link io.cohort.model.privacy.RdpOrders}), composition ({@link
 * io.cohort.model.privacy.PrivacyAccountant}) and conversion to (epsilon, delta) ({@link
 * io.cohort.model.privacy.RdpConversion}). Pure Java. Also {@link io.cohort.model.privacy.SigmaSolver}: the noise multiplier for a target
 * epsilon.
 */
package io.cohort.model.privacy;
