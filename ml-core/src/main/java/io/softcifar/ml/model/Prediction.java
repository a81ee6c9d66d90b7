package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * A model's predictive output for a batch (docs/science/duq-fgsm-dropout.md says which output each method reports).
 *
 * @param probabilities B × C predictive distribution: softmax for basic, the mean of the S softmax passes for MC
 *     Dropout, mean-field softmax for SNGP, the class-normalized kernels Kₖ / Σⱼ Kⱼ for DUQ
 * @param logits B × C scores of the max-logit OOD score: the logits for basic, their mean over the S passes for MC
 *     Dropout, the GP mean logits for SNGP, for DUQ the log of the class-normalized kernels ln(Kₖ / Σⱼ Kⱼ) (the
 *     reference's DUQ "logit" is sigmoid of this, a monotone map, so the max-logit ranking is the same)
 * @param predictiveLogits B × C scores whose softmax is {@code probabilities}, differentiable, from which FGSM's
 *     cross-entropy is computed without ever taking the log of a rounded probability: the logits for basic,
 *     ln(mean of the S softmax passes) computed as a log-sum-exp of log-softmaxes for MC Dropout, the mean-field
 *     logits for SNGP, ln K (the kernel's exponent) for DUQ
 * @param nativeScore B scores of the method's own uncertainty, oriented so that higher means "more in-distribution":
 *     −(predictive variance) for SNGP, max kernel value for DUQ, max probability otherwise
 * @param referenceProbabilities B × C the reference implementation's predictive distribution where it differs from
 *     {@code probabilities}, otherwise null: MC Dropout = softmax of the mean logits over the same S passes; DUQ =
 *     softmax(sigmoid(ln(Kₖ / Σⱼ Kⱼ))), the softmax of the reference's DUQ "logits"
 */
public record Prediction(
        NDArray probabilities,
        NDArray logits,
        NDArray predictiveLogits,
        NDArray nativeScore,
        NDArray referenceProbabilities) {

    public Prediction {
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(predictiveLogits, "predictiveLogits");
        Objects.requireNonNull(nativeScore, "nativeScore");
    }
}
