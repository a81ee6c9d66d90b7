package io.softcifar.ml.eval;

import ai.djl.ndarray.NDArray;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Scalars;

/**
 * The fast gradient sign method in pixel space (PROTOCOL.md, "FGSM attack decrease"):
 * {@code x' = clip(x + ε·sign(∇ₓ L(x, y)), 0, 1)} with x the image in [0, 1] pixel scale and L the cross-entropy of
 * the true class computed from logits s (any scores whose softmax is the model's predictive distribution; which
 * output each method exposes is {@code Prediction.predictiveLogits}: the mean of the S softmax passes for MC Dropout,
 * the mean-field logits for SNGP, the class-normalized kernels for DUQ).
 *
 * <p>The cross-entropy is never the log of a probability: L = ln(1 + Σ_{j≠y} exp(s_j − s_y)) = −ln softmax(s)_y,
 * with the true class masked out of the sum and the largest term factored out (without gradient). Its gradient with
 * respect to s_y is −Σ_{j≠y} p_j, a sum of small positive terms, so it stays exact when p_y rounds to 1 in float32,
 * whereas a log-softmax's backward forms p_y − 1 = 0 there and loses the true class's part of the gradient.
 *
 * <p>The model is a callback from pixels to logits, so normalization happens inside it and the attack is in pixel
 * space whatever the model's input scaling; any differentiable function of NDArrays can be attacked (the tests use
 * linear models whose gradient is known in closed form). The per-image losses are summed, not averaged: images do not
 * interact (BatchNorm is in inference mode), so each image's gradient is that of its own loss, and summing keeps
 * small gradients from underflowing. {@code sign(0) = 0} (PyTorch's convention): a pixel whose gradient is exactly 0
 * is not moved.
 */
public final class Fgsm {

    /** Added to the true class's margin (which is 0) so that its exponential is exactly 0 and drops out of the sum. */
    private static final double MASK = 1e4;

    /** A differentiable map from pixels in [0, 1] (B × ...) to logits (B × C) whose softmax is the prediction. */
    @FunctionalInterface
    public interface LogitModel {
        NDArray logits(NDArray pixels);
    }

    private Fgsm() {}

    /**
     * Σᵢ −ln softmax(sᵢ)[yᵢ] for logits s (B × C) and one-hot labels (B × C), computed as in the class comment
     * (differentiable; its value is only as exact as float32 allows, its gradient does not cancel).
     */
    public static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        if (!logits.getShape().equals(oneHot.getShape())) {
            throw new IllegalArgumentException("model returned logits of shape " + logits.getShape()
                    + " for labels of shape " + oneHot.getShape());
        }
        NDArray trueLogit = logits.mul(oneHot).sum(new int[] {1}, true);
        // margins s_j − s_y, the true class pushed to −1e4 so that exp() gives exactly 0 there
        NDArray margins = logits.sub(trueLogit).sub(Scalars.mul(oneHot, MASK));
        NDArray shift = Scalars.maximum(margins.max(new int[] {1}, true), 0).stopGradient();
        NDArray sum = margins.sub(shift)
                .exp()
                .sum(new int[] {1}, true)
                .add(shift.neg().exp());
        return sum.log().add(shift).sum();
    }

    /**
     * {@code ∇ₓ Σᵢ −ln softmax(model(x)ᵢ)[yᵢ]}, same shape as {@code pixels}. Runs the model with gradient recording
     * on (this thread); {@code pixels} itself is not modified.
     *
     * @param pixels B × ... images in [0, 1]
     * @param oneHot B × C one-hot true labels (float)
     */
    public static NDArray lossGradient(NDArray pixels, NDArray oneHot, LogitModel model) {
        NDArray leaf = pixels.duplicate();
        leaf.setRequiresGradient(true);
        try (Autograd ignored = Autograd.enable()) {
            Autograd.backward(crossEntropy(model.logits(leaf), oneHot));
        }
        NDArray[] gradient = new NDArray[1];
        Autograd.noGrad(() -> gradient[0] = Autograd.gradient(leaf).duplicate());
        return gradient[0];
    }

    /** {@code sign(∇ₓ L)} of {@link #lossGradient}. */
    public static NDArray gradientSign(NDArray pixels, NDArray oneHot, LogitModel model) {
        NDArray gradient = lossGradient(pixels, oneHot, model);
        NDArray[] sign = new NDArray[1];
        Autograd.noGrad(() -> sign[0] = gradient.sign());
        return sign[0];
    }

    /** {@code clip(pixels + ε·sign, 0, 1)} without gradient recording. */
    public static NDArray perturb(NDArray pixels, NDArray gradientSign, double epsilon) {
        NDArray[] out = new NDArray[1];
        Autograd.noGrad(
                () -> out[0] = pixels.add(gradientSign.mul((float) epsilon)).clip(0f, 1f));
        return out[0];
    }

    /** The adversarial images {@code clip(x + ε·sign(∇ₓ L), 0, 1)}; see the class comment. */
    public static NDArray attack(NDArray pixels, NDArray oneHot, LogitModel model, double epsilon) {
        return perturb(pixels, gradientSign(pixels, oneHot, model), epsilon);
    }
}
