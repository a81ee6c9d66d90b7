package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;

/**
 * A model's predictive output for a batch.
 *
 * @param probabilities B × C predictive distribution (MC-averaged for dropout, mean-field for SNGP, softmax of the
 *     kernel values for DUQ)
 * @param logits B × C raw scores used for the max-logit OOD score (mean over passes for MC dropout, GP mean logits
 *     for SNGP, kernel values for DUQ)
 * @param nativeScore B scores of the method's own uncertainty, oriented so that higher means "more in-distribution":
 *     −(mean predictive variance) for SNGP, max kernel value for DUQ, max probability otherwise
 */
public record Prediction(NDArray probabilities, NDArray logits, NDArray nativeScore) {}
