package io.softcifar.ml.model.duq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.DuqConfig;
import io.softcifar.ml.model.HeadContext;
import io.softcifar.ml.model.Losses;
import io.softcifar.ml.model.Prediction;
import io.softcifar.ml.model.ResNet;
import io.softcifar.ml.model.UncertaintyHead;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.InputGradient;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.nn.Scalars;
import java.util.Map;

/**
 * DUQ's head (van Amersfoort et al. 2020): the RBF layer {@link DuqLayer} ({@code duq}) on the backbone features.
 * Training: binary cross-entropy of the kernel values plus λ times the two-sided gradient penalty; after every
 * optimizer step the centroids move (EMA) towards the batch's embeddings. Prediction: the class-normalized kernels.
 */
public final class DuqHead implements UncertaintyHead {

    /** The child name of the RBF layer, fixed by the checkpoint format ({@code duq.weight}, {@code duq.count}, …). */
    public static final String LAYER = "duq";

    private final DuqConfig config;
    private final ResNet backbone;
    private final DuqLayer duq;
    private final NDManager manager;
    private InputGradient inputGradient;

    public DuqHead(DuqConfig config, HeadContext context) {
        this.config = config;
        this.backbone = context.backbone();
        this.manager = context.manager();
        this.duq = new DuqLayer(
                context.manager(),
                ResNet.FEATURES,
                context.classes(),
                config.embedding(),
                config.lengthScale(),
                config.momentum());
    }

    @Override
    public Map<String, Module> layers() {
        return Map.of(LAYER, duq);
    }

    /** Kernel values K (B × classes). */
    @Override
    public NDArray forward(NDArray x, Mode mode) {
        return duq.kernel(duq.embed(backbone.forward(x, mode)));
    }

    /**
     * The BCE plus the two-sided gradient penalty λ·mean((‖∇ₓ Σₖ Kₖ‖₂ − 1)²), computed by double backprop: the
     * first backward builds the graph of ∇ₓ and leaves the parameters' gradients zeroed, so the caller's
     * {@code backward(loss)} yields the full gradient. Must run inside {@link Autograd#enable()}.
     */
    @Override
    public TrainingPass trainingPass(NDArray x, NDArray targets) {
        Loss terms = loss(x, targets);
        NDArray total = terms.penalty() == null
                ? terms.bce()
                : terms.bce().add(Scalars.mul(terms.penalty(), config.gradientPenalty()));
        return new TrainingPass(total, terms.kernel());
    }

    /**
     * DUQ's two loss terms on a batch.
     *
     * @param bce binary cross-entropy between kernel values and targets
     * @param penalty mean((‖∇ₓ Σₖ Kₖ‖₂ − 1)²) before multiplying by λ, differentiable in the parameters (null when λ = 0)
     * @param kernel the kernel values K of the pass (B × classes)
     */
    public record Loss(NDArray bce, NDArray penalty, NDArray kernel) {}

    /** The loss terms in TRAIN mode; see {@link #trainingLoss}. Must run inside {@link Autograd#enable()}. */
    public Loss loss(NDArray x, NDArray targets) {
        boolean penalize = config.gradientPenalty() > 0;
        if (penalize) {
            x.setRequiresGradient(true);
        }
        NDArray kernel = forward(x, Mode.TRAIN);
        NDArray bce = Losses.binaryCrossEntropy(kernel, targets);
        if (!penalize) {
            return new Loss(bce, null, kernel);
        }
        NDArray gradient = inputGradient().of(kernel, x);
        NDArray norms = gradient.reshape(gradient.getShape().get(0), -1).norm(new int[] {1});
        return new Loss(bce, Scalars.sub(norms, 1).square().mean(), kernel);
    }

    private InputGradient inputGradient() {
        if (inputGradient == null) {
            inputGradient = new InputGradient(manager);
        }
        return inputGradient;
    }

    /** Centroid update from an inference-mode pass, without gradient. */
    @Override
    public void afterOptimizerStep(NDArray x, NDArray targets) {
        Autograd.noGrad(() -> {
            NDArray z = duq.embed(backbone.forward(x.stopGradient(), Mode.EVAL));
            duq.updateCentroids(z, targets);
        });
    }

    /**
     * Probabilities = class-normalized kernels Kₖ / Σⱼ Kⱼ = softmax(ln K); logits = their log (log-softmax of ln K,
     * finite even where K underflows); native score = max K; the reference's distribution is the softmax of its
     * "logits" sigmoid(ln(Kₖ / Σⱼ Kⱼ)) = pₖ / (1 + pₖ).
     */
    @Override
    public Prediction predict(NDArray x, int mcSamples) {
        NDArray logKernel = duq.logKernel(duq.embed(backbone.forward(x, Mode.EVAL)));
        NDArray p = logKernel.softmax(1);
        NDArray referenceLogits = p.div(Scalars.add(p, 1));
        return new Prediction(
                p,
                logKernel.logSoftmax(1),
                logKernel,
                logKernel.max(new int[] {1}).exp(),
                referenceLogits.softmax(1));
    }

    /** Its training BCE on the kernel values K = exp(predictive logits), without the gradient penalty. */
    @Override
    public NDArray validationLoss(Prediction p, NDArray targets) {
        return Losses.binaryCrossEntropy(p.predictiveLogits().exp(), targets);
    }
}
