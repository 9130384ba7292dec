/**
 * Record-level differential privacy at the edge client: DP-SGD training support, the node's
 * privacy ledger and budget, and {@link io.cohort.edge.privacy.PrivacyCommand} ({@code cohort
 * privacy epsilon|sigma}). The accountant itself lives in {@code io.cohort.model.privacy}, shared
 * with the coordinator's central DP.
 */
package io.cohort.edge.privacy;
