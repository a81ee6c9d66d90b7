package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;

/**
 * Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) on a batch: with probability q, λ ~ Beta(α, α) and a random
 * permutation π of the batch; Mixup: x ← λx + (1−λ)x_π, y ← λy + (1−λ)y_π; CutMix: a box of area (1−λ)·32² (centre
 * uniform, clipped to the image) is pasted from x_π and the labels are mixed by the pasted area actually used.
 *
 * <p>Batch-level draws (whether to mix, λ, π, the box) come from a Java generator seeded per epoch, so a resumed run
 * mixes exactly as an uninterrupted one.
 */
public final class BatchMixer {

    private final Mixing mixing;
    private final UniformRandomProvider random;
    private final ContinuousDistribution.Sampler beta;

    public BatchMixer(Mixing mixing, UniformRandomProvider random) {
        this.mixing = mixing;
        this.random = random;
        this.beta = mixing.kind() == Mixing.Kind.NONE
                ? null
                : BetaDistribution.of(mixing.alpha(), mixing.alpha()).createSampler(random);
    }

    /** Result of mixing: images and targets (unchanged when the batch was not mixed). */
    public record Mixed(NDArray images, NDArray targets, boolean mixed, double lambda) {}

    public Mixed apply(NDArray x, NDArray y) {
        if (mixing.kind() == Mixing.Kind.NONE || random.nextDouble() >= mixing.probability()) {
            return new Mixed(x, y, false, 1.0);
        }
        NDManager m = x.getManager();
        int b = (int) x.getShape().get(0);
        long[] perm = new long[b];
        for (int i = 0; i < b; i++) {
            perm[i] = i;
        }
        for (int i = b - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        NDArray index = m.create(perm).toDevice(x.getDevice(), false);
        NDArray xp = x.get(index);
        NDArray yp = y.get(index);
        double lambda = beta.sample();
        if (mixing.kind() == Mixing.Kind.MIXUP) {
            NDArray xm = x.mul((float) lambda).add(xp.mul((float) (1 - lambda)));
            NDArray ym = y.mul((float) lambda).add(yp.mul((float) (1 - lambda)));
            return new Mixed(xm, ym, true, lambda);
        }
        int size = (int) x.getShape().get(2);
        double cut = Math.sqrt(1 - lambda);
        int cw = (int) (size * cut);
        int ch = (int) (size * cut);
        int cx = random.nextInt(size);
        int cy = random.nextInt(size);
        int x1 = Math.max(cx - cw / 2, 0);
        int x2 = Math.min(cx + cw / 2, size);
        int y1 = Math.max(cy - ch / 2, 0);
        int y2 = Math.min(cy + ch / 2, size);
        float[] mask = new float[size * size];
        for (int r = y1; r < y2; r++) {
            for (int c = x1; c < x2; c++) {
                mask[r * size + c] = 1f;
            }
        }
        double pasted = (double) (x2 - x1) * (y2 - y1) / (size * size);
        NDArray box = m.create(mask, new Shape(1, 1, size, size)).toDevice(x.getDevice(), false);
        NDArray xm = x.mul(box.neg().add(1f)).add(xp.mul(box));
        double kept = 1 - pasted;
        NDArray ym = y.mul((float) kept).add(yp.mul((float) pasted));
        return new Mixed(xm, ym, true, kept);
    }
}
