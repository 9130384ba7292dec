package io.cohort.edge.training;

import io.cohort.proto.v1.Metrics;

/**
 * What local training produced.
 *
 * @param parameters the trained model, full layout
 * @param delta trained minus global values of the trainable tensors (trainable layout): the update
 *     a node ships
 * @param sampleCount training examples used
 * @param metrics mean loss and accuracy over the last epoch, measured on each batch just before its
 *     step; AUC is NaN (evaluate on held-out data for it)
 */
public record TrainingResult(float[] parameters, float[] delta, long sampleCount,
    Metrics metrics) {}
