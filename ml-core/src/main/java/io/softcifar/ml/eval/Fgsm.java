package io.softcifar.ml.eval;

import ai.djl.ndarray.NDArray;
import io.softcifar.ml.metrics.ClassificationMetrics;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Scalars;

/**
 * The fast gradient sign method in pixel space (PROTOCOL.md, "FGSM attack decrease"):
 * {@code x' = clip(x + ε·sign(∇ₓ L(x, y)), 0, 1)} with x the image in [0, 1] pixel scale and
 * {@code L = −ln max(p_y(x), 1e-12)}, the negative log-likelihood of the true class under the model's
 * <em>predictive</em> distribution p (for MC Dropout the average of the S passes, for SNGP the mean-field
 * distribution, for DUQ the softmax of the kernel values).
 *
 * <p>The model is a callback from pixels to probabilities, so normalization happens inside it and the attack is in
 * pixel space whatever the model's input scaling; any differentiable function of NDArrays can be attacked (the tests
 * use a linear model whose perturbation is known in closed form). The per-image losses are summed, not averaged:
 * images do not interact (BatchNorm is in inference mode), so each image's gradient is that of its own loss, and
 * summing keeps small gradients from underflowing. {@code sign(0) = 0} (PyTorch's convention): a pixel whose
 * gradient is exactly 0 is not moved.
 */
public final class Fgsm {

    /** A differentiable map from pixels in [0, 1] (B × ...) to predictive probabilities (B × C). */
    @FunctionalInterface
    public interface ProbabilityModel {
        NDArray probabilities(NDArray pixels);
    }

    private Fgsm() {}

    /**
     * {@code sign(∇ₓ Σ_i −ln max(p(x_i)[y_i], 1e-12))}, same shape as {@code pixels}. Runs the model with gradient
     * recording on (this thread); {@code pixels} itself is not modified.
     *
     * @param pixels B × ... images in [0, 1]
     * @param oneHot B × C one-hot true labels (float)
     */
    public static NDArray gradientSign(NDArray pixels, NDArray oneHot, ProbabilityModel model) {
        NDArray leaf = pixels.duplicate();
        leaf.setRequiresGradient(true);
        try (Autograd ignored = Autograd.enable()) {
            NDArray p = model.probabilities(leaf);
            if (!p.getShape().equals(oneHot.getShape())) {
                throw new IllegalArgumentException("model returned probabilities of shape " + p.getShape()
                        + " for labels of shape " + oneHot.getShape());
            }
            NDArray trueClass = p.mul(oneHot).sum(new int[] {1});
            NDArray loss = Scalars.maximum(trueClass, ClassificationMetrics.LOG_CLAMP).log().neg().sum();
            Autograd.backward(loss);
        }
        NDArray[] sign = new NDArray[1];
        Autograd.noGrad(() -> sign[0] = Autograd.gradient(leaf).sign());
        return sign[0];
    }

    /** {@code clip(pixels + ε·sign, 0, 1)} without gradient recording. */
    public static NDArray perturb(NDArray pixels, NDArray gradientSign, double epsilon) {
        NDArray[] out = new NDArray[1];
        Autograd.noGrad(() -> out[0] = pixels.add(gradientSign.mul((float) epsilon)).clip(0f, 1f));
        return out[0];
    }

    /** The adversarial images {@code clip(x + ε·sign(∇ₓ L), 0, 1)}; see the class comment. */
    public static NDArray attack(NDArray pixels, NDArray oneHot, ProbabilityModel model, double epsilon) {
        return perturb(pixels, gradientSign(pixels, oneHot, model), epsilon);
    }
}
