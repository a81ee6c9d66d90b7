package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collection;

/**
 * Direct access to PyTorch autograd through DJL's PyTorch JNI. DJL's public {@code GradientCollector} runs
 * {@code backward} with {@code create_graph=false}, which makes a gradient of a gradient impossible; DUQ's gradient
 * penalty needs exactly that (double backprop), so this class exposes the JNI flags.
 *
 * <p>Grad mode in PyTorch is thread-local: {@link #enable()} and {@link #close()} must run on the training thread.
 */
public final class Autograd implements AutoCloseable {

    private final boolean previous;

    private Autograd() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Records operations for backward until closed. */
    public static Autograd enable() {
        return new Autograd();
    }

    /** Runs {@code body} with gradient recording off (parameter updates, statistics, inference). */
    public static void noGrad(Runnable body) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            body.run();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** Accumulates d(scalar)/d(leaf) into every leaf's {@code .grad}; frees the graph. */
    public static void backward(NDArray scalar) {
        try (NDArray ones = scalar.onesLike()) {
            JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, false, false);
        }
    }

    /**
     * Backward that keeps the graph and builds the graph of the derivative ({@code create_graph=true}): afterwards
     * {@code x.getGradient()} is itself differentiable. Leaves' {@code .grad} is accumulated too; call
     * {@link #zeroGradients} on the parameters before the real backward.
     *
     * <p>Not for training loops: the graph-carrying {@code .grad} it leaves on every parameter is a reference cycle
     * PyTorch never frees, so memory grows every step. Training uses {@link InputGradient} instead; this stays for
     * one-off checks of higher-order derivatives (see AutogradTest).
     */
    public static void backwardCreateGraph(NDArray scalar) {
        try (NDArray ones = scalar.onesLike()) {
            JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, true, true);
        }
    }

    /** The accumulated gradient of a leaf, as a tensor that may carry a graph (after {@link #backwardCreateGraph}). */
    public static NDArray gradient(NDArray leaf) {
        return leaf.getGradient();
    }

    public static void zeroGradients(Collection<NDArray> leaves) {
        for (NDArray p : leaves) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
