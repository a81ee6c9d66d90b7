package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.nn.RunRandom;

/**
 * The protocol's train-time augmentation, done on whole batches on the device (no per-image loop): every random
 * parameter is drawn as a B-vector from PyTorch's generator (reseeded per epoch by the trainer), and each transform
 * is a few tensor operations.
 *
 * <ol>
 *   <li>Color jitter, in this fixed order (torchvision draws a random order per image; a fixed order keeps the chain
 *       batched): brightness x·b, b ~ U[0.85, 1.15]; contrast (x − m)·c + m with m the image's mean gray level,
 *       c ~ U[0.85, 1.15]; saturation (x − g)·s + g with g the pixel's gray level, s ~ U[0.8, 1.2]; hue shift
 *       h ~ U[−0.15, 0.15] of a turn, done as a rotation of the chroma plane in YIQ space (the linear form of a hue
 *       rotation); values clamped to [0, 1] after each step;
 *   <li>horizontal flip with probability ½;
 *   <li>rotation by θ ~ U[−10°, 10°] about the centre and a random resized crop (area scale ~ U[0.8, 1], aspect ratio
 *       log-uniform in [0.8, 1.2], side lengths capped at 32, position uniform) back to 32×32 — composed into one
 *       affine map per image and sampled bilinearly, zeros outside the image (torchvision's fill for rotation);
 *   <li>normalization with the train split's per-channel mean and std (also applied to validation/test batches by
 *       {@link #normalize}).
 * </ol>
 */
public final class Augmentation {

    private static final float[] GRAY = {0.299f, 0.587f, 0.114f};
    private static final int SIZE = 32;

    private final NDArray mean;
    private final NDArray std;

    /**
     * The augmentation chain with the given normalisation.
     *
     * @param mean per-channel mean in [0, 1] pixel scale
     * @param std per-channel std
     */
    public Augmentation(NDManager manager, float[] mean, float[] std) {
        this.mean = manager.create(mean, new Shape(1, 3, 1, 1));
        this.std = manager.create(std, new Shape(1, 3, 1, 1));
    }

    /** uint8 NCHW → float in [0, 1]. */
    public static NDArray toUnitRange(NDArray images) {
        return images.toType(DataType.FLOAT32, false).div(255f);
    }

    /**
     * Images {@code [from, to)} of a uint8 NCHW tensor, attached to {@code manager} (freed with it), in [0, 1] and
     * normalized: the input of a prediction.
     */
    public NDArray normalizedBatch(NDArray images, int from, int to, NDManager manager) {
        NDArray batch = images.get(new NDIndex(from + ":" + to));
        batch.attach(manager);
        return normalize(toUnitRange(batch));
    }

    /** (x − mean) / std for a batch in [0, 1]. */
    public NDArray normalize(NDArray x) {
        return x.sub(mean.toDevice(x.getDevice(), false)).div(std.toDevice(x.getDevice(), false));
    }

    /** Inverse of {@link #normalize}: back to pixel space [0, 1] (used by FGSM). */
    public NDArray denormalize(NDArray x) {
        return x.mul(std.toDevice(x.getDevice(), false)).add(mean.toDevice(x.getDevice(), false));
    }

    public NDArray meanArray() {
        return mean;
    }

    public NDArray stdArray() {
        return std;
    }

    /** The full chain on a batch of uint8 images; returns normalized float images. */
    public NDArray augment(NDArray images) {
        NDManager m = images.getManager();
        NDArray x = toUnitRange(images);
        long b = x.getShape().get(0);
        x = colorJitter(x, m, b);
        x = flip(x, m, b);
        x = rotateAndCrop(x, m, b);
        return normalize(x);
    }

    private static NDArray uniform(NDManager m, double low, double high, long b, NDArray like) {
        return RunRandom.draw(
                () -> m.randomUniform((float) low, (float) high, new Shape(b), DataType.FLOAT32, like.getDevice()));
    }

    private static NDArray perImage(NDArray v) {
        return v.reshape(-1, 1, 1, 1);
    }

    private static NDArray gray(NDArray x) {
        NDArray w = x.getManager().create(GRAY, new Shape(1, 3, 1, 1)).toDevice(x.getDevice(), false);
        return x.mul(w).sum(new int[] {1}, true);
    }

    NDArray colorJitter(NDArray x, NDManager m, long b) {
        NDArray brightness = perImage(uniform(m, 0.85, 1.15, b, x));
        x = x.mul(brightness).clip(0f, 1f);
        NDArray contrast = perImage(uniform(m, 0.85, 1.15, b, x));
        NDArray meanGray = gray(x).reshape(b, -1).mean(new int[] {1}).reshape(-1, 1, 1, 1);
        x = x.sub(meanGray).mul(contrast).add(meanGray).clip(0f, 1f);
        NDArray saturation = perImage(uniform(m, 0.8, 1.2, b, x));
        NDArray g = gray(x);
        x = x.sub(g).mul(saturation).add(g).clip(0f, 1f);
        return hueShift(x, uniform(m, -0.15, 0.15, b, x)).clip(0f, 1f);
    }

    /** Rotates the I/Q chroma plane by 2π·h per image: x' = T⁻¹ R(2πh) T x, T the RGB→YIQ matrix. */
    static NDArray hueShift(NDArray x, NDArray turns) {
        NDManager m = x.getManager();
        long b = x.getShape().get(0);
        float[] t = {0.299f, 0.587f, 0.114f, 0.596f, -0.274f, -0.322f, 0.211f, -0.523f, 0.312f};
        float[] tInv = {1f, 0.956f, 0.621f, 1f, -0.272f, -0.647f, 1f, -1.106f, 1.703f};
        NDArray toYiq = m.create(t, new Shape(1, 3, 3)).toDevice(x.getDevice(), false);
        NDArray fromYiq = m.create(tInv, new Shape(1, 3, 3)).toDevice(x.getDevice(), false);
        NDArray angle = turns.mul((float) (2 * Math.PI));
        NDArray cos = angle.cos();
        NDArray sin = angle.sin();
        NDArray one = cos.onesLike();
        NDArray zero = cos.zerosLike();
        // R = [[1,0,0],[0,cos,-sin],[0,sin,cos]] per image
        NDArray rotation = ai.djl.ndarray.NDArrays.stack(
                        new ai.djl.ndarray.NDList(one, zero, zero, zero, cos, sin.neg(), zero, sin, cos), 1)
                .reshape(b, 3, 3);
        NDArray matrix = fromYiq.matMul(rotation).matMul(toYiq); // (1,3,3)·(B,3,3)·(1,3,3) → B×3×3
        NDArray flat = x.reshape(b, 3, -1);
        return matrix.matMul(flat).reshape(x.getShape());
    }

    static NDArray flip(NDArray x, NDManager m, long b) {
        NDArray coin = RunRandom.draw(() -> m.randomUniform(0f, 1f, new Shape(b), DataType.FLOAT32, x.getDevice()))
                .lt(0.5f);
        NDArray flipped = x.flip(3);
        return NDArraysWhere.where(perImage(coin), flipped, x);
    }

    NDArray rotateAndCrop(NDArray x, NDManager m, long b) {
        NDArray theta = uniform(m, -Math.toRadians(10), Math.toRadians(10), b, x);
        NDArray scale = uniform(m, 0.8, 1.0, b, x);
        NDArray logRatio = uniform(m, Math.log(0.8), Math.log(1.2), b, x);
        NDArray ratio = logRatio.exp();
        NDArray w = scale.mul(ratio).sqrt().mul((float) SIZE).minimum((float) SIZE);
        NDArray h = scale.div(ratio).sqrt().mul((float) SIZE).minimum((float) SIZE);
        NDArray x0 = uniform(m, 0, 1, b, x).mul(w.neg().add((float) SIZE));
        NDArray y0 = uniform(m, 0, 1, b, x).mul(h.neg().add((float) SIZE));
        return sampleAffine(x, theta, x0, y0, w, h);
    }

    /**
     * Output pixel (i, j) of a B×C×32×32 batch reads the rotated image at crop position
     * p = (x0 + (j+½)·w/32 − ½, y0 + (i+½)·h/32 − ½), i.e. the source at c + R(−θ)(p − c), c = (15.5, 15.5), with
     * bilinear interpolation and zeros outside.
     */
    static NDArray sampleAffine(NDArray x, NDArray theta, NDArray x0, NDArray y0, NDArray w, NDArray h) {
        NDManager m = x.getManager();
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        int hw = SIZE * SIZE;
        float center = (SIZE - 1) / 2f;
        NDArray grid = m.arange(0f, (float) SIZE).add(0.5f).div((float) SIZE).toDevice(x.getDevice(), false); // (32)
        NDArray cols = grid.reshape(1, 1, SIZE); // j
        NDArray rows = grid.reshape(1, SIZE, 1); // i
        NDArray px = cols.mul(w.reshape(-1, 1, 1)).add(x0.reshape(-1, 1, 1)).sub(0.5f + center); // B×1×32
        NDArray py = rows.mul(h.reshape(-1, 1, 1)).add(y0.reshape(-1, 1, 1)).sub(0.5f + center); // B×32×1
        px = px.broadcast(b, SIZE, SIZE);
        py = py.broadcast(b, SIZE, SIZE);
        NDArray cos = theta.cos().reshape(-1, 1, 1);
        NDArray sin = theta.sin().reshape(-1, 1, 1);
        // R(−θ) = [[cos, sin], [−sin, cos]]
        NDArray sx = px.mul(cos).add(py.mul(sin)).add(center).reshape(b, hw);
        NDArray sy = px.mul(sin).neg().add(py.mul(cos)).add(center).reshape(b, hw);
        NDArray fx = sx.floor();
        NDArray fy = sy.floor();
        NDArray ax = sx.sub(fx);
        NDArray ay = sy.sub(fy);
        NDArray flat = x.reshape(b, c, hw);
        NDArray out = null;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                NDArray cx = fx.add((float) dx);
                NDArray cy = fy.add((float) dy);
                NDArray weight = (dx == 1 ? ax : ax.neg().add(1f))
                        .mul(dy == 1 ? ay : ay.neg().add(1f));
                NDArray inside = cx.gte(0f)
                        .logicalAnd(cx.lte((float) (SIZE - 1)))
                        .logicalAnd(cy.gte(0f))
                        .logicalAnd(cy.lte((float) (SIZE - 1)));
                weight = weight.mul(inside.toType(DataType.FLOAT32, false));
                NDArray index = cy.clip(0f, SIZE - 1f)
                        .mul((float) SIZE)
                        .add(cx.clip(0f, SIZE - 1f))
                        .toType(DataType.INT64, false);
                NDArray gathered = flat.gather(index.expandDims(1).broadcast(b, c, hw), 2);
                NDArray term = gathered.mul(weight.expandDims(1));
                out = out == null ? term : out.add(term);
            }
        }
        return out.reshape(x.getShape());
    }

    /** where(cond, a, b) with broadcasting of a per-image condition. */
    private static final class NDArraysWhere {
        static NDArray where(NDArray condition, NDArray a, NDArray b) {
            NDArray mask = condition.toType(DataType.FLOAT32, false);
            return a.mul(mask).add(b.mul(mask.neg().add(1f)));
        }
    }
}
