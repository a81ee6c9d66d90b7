package io.softcifar.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.train.Augmentation;

/** The inference loop of evaluation: uint8 images normalized and handed on batch by batch, without gradient. */
final class NormalizedBatches {

    /** What is done with one batch: {@code x} holds the normalized images {@code [from, to)}. */
    @FunctionalInterface
    interface Body {
        void accept(NDArray x, int from, int to);
    }

    private NormalizedBatches() {}

    /**
     * Runs {@code body} on the images of {@code images} (uint8 NCHW) in batches of {@code batch}, in order, each
     * batch normalized by {@code norm} in its own sub-manager of {@code parent} (closed after the body) and run
     * without gradient.
     */
    static void forEach(NDArray images, int batch, Augmentation norm, NDManager parent, Body body) {
        int n = (int) images.getShape().get(0);
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            int at = from;
            EvaluationThreads.beforeBatch();
            try (NDManager sm = parent.newSubManager()) {
                NDArray x = norm.normalizedBatch(images, from, to, sm);
                Autograd.noGrad(() -> body.accept(x, at, to));
            }
        }
    }
}
