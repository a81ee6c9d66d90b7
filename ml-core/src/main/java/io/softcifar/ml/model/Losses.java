package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import io.softcifar.ml.nn.Scalars;

/** Loss functions on batches (B × C); each returns the mean over the batch as a scalar. */
public final class Losses {

    /** Probabilities are clamped at this before a log, so that a confident wrong prediction has a finite loss. */
    public static final float PROBABILITY_FLOOR = 1e-12f;

    private Losses() {}

    /** −Σₖ yₖ log softmax(logits)ₖ, averaged over the batch; y may be soft or one-hot. */
    public static NDArray softCrossEntropy(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg().mean();
    }

    /** −Σₖ yₖ log pₖ for probabilities p (MC-averaged or mean-field predictions). */
    public static NDArray crossEntropyOfProbabilities(NDArray probabilities, NDArray targets) {
        return probabilities
                .clip(PROBABILITY_FLOOR, 1f)
                .log()
                .mul(targets)
                .sum(new int[] {1})
                .neg()
                .mean();
    }

    /** Binary cross-entropy between values in [0, 1] and targets, averaged over all elements (DUQ's loss). */
    public static NDArray binaryCrossEntropy(NDArray values, NDArray targets) {
        NDArray p = values.clip(PROBABILITY_FLOOR, 1f - 1e-7f);
        NDArray positive = targets.mul(p.log());
        NDArray negative = Scalars.rsub(1, targets).mul(Scalars.rsub(1, p).log());
        return positive.add(negative).neg().mean();
    }
}
