package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet backbone + the method's head: the one model type the trainer, the evaluator and the CLI use.
 *
 * <p>All parameters and buffers live in the manager given at construction; forward passes create their arrays in
 * the manager of the input batch, which the caller closes after the step.
 */
public final class CifarNet extends Module {

    private final ModelConfig config;
    private final NDManager manager;
    private final ResNet backbone;
    private final io.softcifar.ml.nn.Linear softmaxHead;
    private final SngpHead sngpHead;
    private final DuqHead duqHead;

    /**
     * Builds and initializes the network. Initialization draws from PyTorch's generator: seed it first
     * ({@code Engine.getInstance().setRandomSeed}) for reproducible weights; the SNGP random features are drawn
     * from {@code seed} in Java so they are identical on every device.
     */
    public CifarNet(NDManager manager, ModelConfig config, long seed) {
        this.config = config;
        this.manager = manager;
        Float sn = config.spectralBoundOrNull();
        backbone = registerChild("backbone", new ResNet(manager, config.blocksPerStage(), config.effectiveDropout(), sn,
                config.imageSize()));
        switch (config.method()) {
            case BASIC, DROPOUT -> {
                softmaxHead = registerChild("head",
                        new io.softcifar.ml.nn.Linear(manager, ResNet.FEATURES, config.classes(), true, null));
                sngpHead = null;
                duqHead = null;
            }
            case SNGP -> {
                softmaxHead = null;
                sngpHead = registerChild("gp", new SngpHead(manager, ResNet.FEATURES, config.classes(), config, seed));
                duqHead = null;
            }
            case DUQ -> {
                softmaxHead = null;
                sngpHead = null;
                duqHead = registerChild("duq", new DuqHead(manager, ResNet.FEATURES, config.classes(),
                        config.duqEmbedding(), config.duqLengthScale(), config.duqMomentum()));
            }
            default -> throw new IllegalStateException(config.method().toString());
        }
    }

    public ModelConfig config() {
        return config;
    }

    /** Raw output of one pass: logits (basic, dropout, SNGP) or kernel values (DUQ). */
    public NDArray forward(NDArray x, Mode mode) {
        NDArray f = backbone.forward(x, mode);
        return switch (config.method()) {
            case BASIC, DROPOUT -> softmaxHead.forward(f, mode);
            case SNGP -> sngpHead.forward(sngpHead.randomFeatures(f), mode);
            case DUQ -> duqHead.kernel(duqHead.embed(f));
        };
    }

    /**
     * The training loss of a batch (TRAIN mode). For DUQ this includes the two-sided gradient penalty
     * λ·mean((‖∇ₓ Σₖ Kₖ‖₂ − 1)²), computed by double backprop: the first backward builds the graph of ∇ₓ and
     * leaves the parameters' gradients zeroed, so the caller's {@code backward(loss)} yields the full gradient.
     * Must run inside {@link Autograd#enable()}.
     */
    public NDArray trainingLoss(NDArray x, NDArray targets) {
        if (config.method() != Method.DUQ) {
            return Losses.softCrossEntropy(forward(x, Mode.TRAIN), targets);
        }
        DuqLoss terms = duqLoss(x, targets);
        return terms.penalty() == null ? terms.bce() : terms.bce().add(Scalars.mul(terms.penalty(), config.duqGradientPenalty()));
    }

    /**
     * DUQ's two loss terms on a batch.
     *
     * @param bce binary cross-entropy between kernel values and targets
     * @param penalty mean((‖∇ₓ Σₖ Kₖ‖₂ − 1)²) before multiplying by λ, differentiable in the parameters (null when λ = 0)
     */
    public record DuqLoss(NDArray bce, NDArray penalty) {}

    /** DUQ's loss terms in TRAIN mode; see {@link #trainingLoss}. Must run inside {@link Autograd#enable()}. */
    public DuqLoss duqLoss(NDArray x, NDArray targets) {
        if (duqHead == null) {
            throw new IllegalStateException("DUQ loss needs a DUQ model, this is " + config.method().id());
        }
        boolean penalize = config.duqGradientPenalty() > 0;
        if (penalize) {
            x.setRequiresGradient(true);
        }
        NDArray kernel = forward(x, Mode.TRAIN);
        NDArray bce = Losses.binaryCrossEntropy(kernel, targets);
        if (!penalize) {
            return new DuqLoss(bce, null);
        }
        NDArray gradient = inputGradient().of(kernel, x);
        NDArray norms = gradient.reshape(gradient.getShape().get(0), -1).norm(new int[] {1});
        return new DuqLoss(bce, Scalars.sub(norms, 1).square().mean());
    }

    private io.softcifar.ml.nn.InputGradient inputGradient;

    private io.softcifar.ml.nn.InputGradient inputGradient() {
        if (inputGradient == null) {
            inputGradient = new io.softcifar.ml.nn.InputGradient(manager);
        }
        return inputGradient;
    }

    /** After each optimizer step (DUQ: centroid update from an inference-mode pass, without gradient). */
    public void afterOptimizerStep(NDArray x, NDArray targets) {
        if (duqHead == null) {
            return;
        }
        Autograd.noGrad(() -> {
            NDArray z = duqHead.embed(backbone.forward(x.stopGradient(), Mode.EVAL));
            duqHead.updateCentroids(z, targets);
        });
    }

    /** Start of every training epoch (SNGP: precision reset). */
    public void startEpoch() {
        if (sngpHead != null) {
            Autograd.noGrad(sngpHead::resetPrecision);
        }
    }

    /** End of every training epoch, before validation (SNGP: covariance from the epoch's precision). */
    public void endEpoch() {
        if (sngpHead != null) {
            Autograd.noGrad(sngpHead::updateCovariance);
        }
    }

    /**
     * The predictive distribution of a batch, in inference mode: differentiable in x when called under
     * {@link Autograd#enable()} (FGSM attacks the cross-entropy of {@link Prediction#predictiveLogits()}).
     */
    public Prediction predict(NDArray x) {
        return predict(x, config.mcSamples());
    }

    public Prediction predict(NDArray x, int mcSamples) {
        switch (config.method()) {
            case BASIC -> {
                NDArray logits = forward(x, Mode.EVAL);
                NDArray p = logits.softmax(1);
                return new Prediction(p, logits, logits, p.max(new int[] {1}), null);
            }
            case DROPOUT -> {
                return mcDropoutPrediction(x, mcSamples);
            }
            case SNGP -> {
                NDArray f = backbone.forward(x, Mode.EVAL);
                NDArray phi = sngpHead.randomFeatures(f);
                NDArray logits = sngpHead.forward(phi, Mode.EVAL);
                NDArray variance = sngpHead.variance(phi);
                NDArray scale = Scalars.add(Scalars.mul(variance, config.gpMeanFieldFactor()), 1).sqrt();
                NDArray meanField = logits.div(scale.expandDims(1));
                return new Prediction(meanField.softmax(1), logits, meanField, variance.neg(), null);
            }
            case DUQ -> {
                return duqPrediction(x);
            }
            default -> throw new IllegalStateException(config.method().toString());
        }
    }

    /**
     * MC Dropout over S passes: the standard prediction averages the S softmaxes; the reference's variant (softmax of
     * the averaged logits) comes from the same passes. ln(mean p) = logsumexp_s(log-softmax_s) − ln S, with the
     * maximum over passes subtracted (without gradient) before the exponential.
     */
    private Prediction mcDropoutPrediction(NDArray x, int mcSamples) {
        if (mcSamples < 1) {
            throw new IllegalArgumentException("mcSamples must be >= 1, got " + mcSamples);
        }
        List<NDArray> logits = new ArrayList<>();
        for (int s = 0; s < mcSamples; s++) {
            logits.add(forward(x, Mode.MC_DROPOUT));
        }
        return averagePasses(logits);
    }

    /** The MC Dropout prediction from the logits (B × C) of S stochastic passes; see {@link #mcDropoutPrediction}. */
    static Prediction averagePasses(List<NDArray> logits) {
        NDArray stackedLogits = NDArrays.stack(new ai.djl.ndarray.NDList(logits)); // S × B × C
        NDArray meanLogits = stackedLogits.mean(new int[] {0});
        NDArray logProbs = stackedLogits.logSoftmax(2);
        NDArray shift = logProbs.max(new int[] {0}).stopGradient();
        NDArray logMean = Scalars.sub(logProbs.sub(shift.expandDims(0)).exp().sum(new int[] {0}).log().add(shift),
                Math.log(logits.size()));
        NDArray meanProbs = logProbs.exp().mean(new int[] {0});
        return new Prediction(meanProbs, meanLogits, logMean, meanProbs.max(new int[] {1}), meanLogits.softmax(1));
    }

    /**
     * DUQ: probabilities = class-normalized kernels Kₖ / Σⱼ Kⱼ = softmax(ln K); logits = their log (log-softmax of
     * ln K, finite even where K underflows); native score = max K; the reference's distribution is the softmax of
     * its "logits" sigmoid(ln(Kₖ / Σⱼ Kⱼ)) = pₖ / (1 + pₖ).
     */
    private Prediction duqPrediction(NDArray x) {
        NDArray logKernel = duqHead.logKernel(duqHead.embed(backbone.forward(x, Mode.EVAL)));
        NDArray p = logKernel.softmax(1);
        NDArray referenceLogits = p.div(Scalars.add(p, 1));
        return new Prediction(p, logKernel.logSoftmax(1), logKernel, logKernel.max(new int[] {1}).exp(),
                referenceLogits.softmax(1));
    }

    /**
     * Validation loss of a prediction: cross-entropy of the predictive distribution; DUQ: its training BCE on the
     * kernel values K = exp(predictive logits), without the gradient penalty.
     */
    public NDArray validationLoss(Prediction p, NDArray targets) {
        if (config.method() == Method.DUQ) {
            return Losses.binaryCrossEntropy(p.predictiveLogits().exp(), targets);
        }
        return Losses.crossEntropyOfProbabilities(p.probabilities(), targets);
    }

    /** Monte-Carlo SNGP prediction: mean softmax over {@code samples} draws of logits ~ N(mean, variance). */
    public NDArray sngpMonteCarloProbabilities(NDArray x, int samples) {
        return sngpMonteCarlo(x, samples).meanProbabilities();
    }

    /**
     * Both Monte-Carlo summaries of the same S draws logitsₛ = mean + √variance · εₛ, εₛ ~ N(0, I) (B × C):
     *
     * @param meanProbabilities (1/S) Σₛ softmax(logitsₛ), the Monte-Carlo predictive distribution
     * @param meanLogits (1/S) Σₛ logitsₛ, what the reference averages before its softmax (it reports
     *     softmax(meanLogits))
     */
    public record SngpMonteCarlo(NDArray meanProbabilities, NDArray meanLogits) {}

    /** {@link SngpMonteCarlo} of a batch, in inference mode. */
    public SngpMonteCarlo sngpMonteCarlo(NDArray x, int samples) {
        if (sngpHead == null) {
            throw new IllegalStateException("Monte-Carlo GP prediction needs an SNGP model, this is " + config.method().id());
        }
        NDArray f = backbone.forward(x, Mode.EVAL);
        NDArray phi = sngpHead.randomFeatures(f);
        NDArray logits = sngpHead.forward(phi, Mode.EVAL);
        NDArray std = sngpHead.variance(phi).sqrt().expandDims(1).expandDims(0);
        NDArray noise = x.getManager().randomNormal(new ai.djl.ndarray.types.Shape(samples,
                logits.getShape().get(0), logits.getShape().get(1)));
        NDArray draws = noise.mul(std).add(logits.expandDims(0));
        return new SngpMonteCarlo(draws.softmax(2).mean(new int[] {0}), draws.mean(new int[] {0}));
    }
}
