package io.softcifar.ml.model.sngp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.HeadContext;
import io.softcifar.ml.model.Prediction;
import io.softcifar.ml.model.ResNet;
import io.softcifar.ml.model.SngpConfig;
import io.softcifar.ml.model.UncertaintyHead;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.nn.RunRandom;
import io.softcifar.ml.nn.Scalars;
import java.util.Map;

/**
 * SNGP's head (Liu et al. 2020): the random-feature Gaussian-process layer {@link GpLayer} ({@code gp}) on the
 * spectrally normalized backbone (the normalization is the backbone's, from {@link SngpConfig#backboneSpectralBound()}).
 * The precision is reset at every epoch start and inverted into the covariance at every epoch end; the prediction is
 * the mean-field softmax(logits / √(1 + λ·variance)), its native score −variance; {@link #monteCarlo} draws logits
 * from the posterior instead.
 */
public final class SngpHead implements UncertaintyHead {

    /** The child name of the GP layer, fixed by the checkpoint format ({@code gp.beta.weight}, {@code gp.precision}, …). */
    public static final String LAYER = "gp";

    private final SngpConfig config;
    private final ResNet backbone;
    private final GpLayer gp;

    public SngpHead(SngpConfig config, HeadContext context) {
        this.config = config;
        this.backbone = context.backbone();
        this.gp = new GpLayer(context.manager(), ResNet.FEATURES, context.classes(), config, context.seed());
    }

    @Override
    public Map<String, Module> layers() {
        return Map.of(LAYER, gp);
    }

    @Override
    public NDArray forward(NDArray x, Mode mode) {
        return gp.forward(gp.randomFeatures(backbone.forward(x, mode)), mode);
    }

    /** Precision reset. */
    @Override
    public void startEpoch() {
        Autograd.noGrad(gp::resetPrecision);
    }

    /** Covariance from the epoch's precision. */
    @Override
    public void endEpoch() {
        Autograd.noGrad(gp::updateCovariance);
    }

    @Override
    public Prediction predict(NDArray x, int mcSamples) {
        NDArray phi = gp.randomFeatures(backbone.forward(x, Mode.EVAL));
        NDArray logits = gp.forward(phi, Mode.EVAL);
        NDArray variance = gp.variance(phi);
        NDArray scale =
                Scalars.add(Scalars.mul(variance, config.meanFieldFactor()), 1).sqrt();
        NDArray meanField = logits.div(scale.expandDims(1));
        return new Prediction(meanField.softmax(1), logits, meanField, variance.neg(), null);
    }

    /**
     * Both Monte-Carlo summaries of the same S draws logitsₛ = mean + √variance · εₛ, εₛ ~ N(0, I) (B × C):
     *
     * @param meanProbabilities (1/S) Σₛ softmax(logitsₛ), the Monte-Carlo predictive distribution
     * @param meanLogits (1/S) Σₛ logitsₛ, what the reference averages before its softmax (it reports
     *     softmax(meanLogits))
     */
    public record MonteCarlo(NDArray meanProbabilities, NDArray meanLogits) {}

    /** {@link MonteCarlo} of a batch, in inference mode, from {@code samples} draws of PyTorch's generator. */
    public MonteCarlo monteCarlo(NDArray x, int samples) {
        NDArray phi = gp.randomFeatures(backbone.forward(x, Mode.EVAL));
        NDArray logits = gp.forward(phi, Mode.EVAL);
        NDArray std = gp.variance(phi).sqrt().expandDims(1).expandDims(0);
        NDArray noise = RunRandom.draw(() -> x.getManager()
                .randomNormal(new Shape(
                        samples, logits.getShape().get(0), logits.getShape().get(1))));
        NDArray draws = noise.mul(std).add(logits.expandDims(0));
        return new MonteCarlo(draws.softmax(2).mean(new int[] {0}), draws.mean(new int[] {0}));
    }
}
