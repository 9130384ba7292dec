package io.cohort.edge.task;

import io.cohort.proto.v1.Metrics;

/**
 * The result of local training.
 *
 * @param delta local minus global parameters over the trainable layout (what is uploaded)
 * @param samples training examples used (the aggregation weight)
 * @param trainMetrics loss and accuracy on the local training split
 * @param epsilonSpent record-level epsilon spent so far by this node (0 without DP)
 */
public record TrainOutcome(float[] delta, long samples, Metrics trainMetrics,
    double epsilonSpent) {}
