package io.softcifar.ml.model.duq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.nn.Scalars;

/**
 * DUQ's output layer (van Amersfoort et al. 2020): per-class weight matrices W (embedding × classes × features) map
 * the feature vector to one embedding per class, z = W f; the score of class k is the RBF kernel
 * Kₖ = exp(−mean_j (zₖⱼ − eₖⱼ)² / (2σ²)) to the class centroid eₖ = mₖ / Nₖ. Centroids are exponential moving
 * averages (momentum γ) of the embeddings of the class's samples, weighted by the (possibly soft) targets:
 * Nₖ ← γNₖ + (1−γ)Σᵢ yᵢₖ, mₖ ← γmₖ + (1−γ)Σᵢ yᵢₖ zᵢₖ; updated after each optimizer step, without gradient.
 *
 * <p>Initialization as the reference ({@code wrappers/duq_wrapper.py} of sam-laing/soft_cifar, commit 934fb0b) does
 * it: its weight has shape classes × embedding × features and is drawn with {@code kaiming_normal_(nonlinearity=relu)},
 * whose fan-in for a 3-d tensor is size(1)·size(2) = embedding·features, so W ~ N(0, 2 / (embedding·features));
 * N = 128 / classes (12.8 for CIFAR-10); m ~ N(0, 1) (not scaled by N), so the initial centroids m / N have standard
 * deviation classes / 128. The entries are independent, so storing W as embedding × classes × features (this
 * class's layout, which the checkpoint format fixes) draws the same distribution.
 */
public final class DuqLayer extends Module {

    /** The reference's initial per-class count is this divided by the number of classes. */
    static final float INITIAL_TOTAL_COUNT = 128f;

    private final float lengthScale;
    private final float momentum;

    public DuqLayer(NDManager manager, int features, int classes, int embedding, double lengthScale, double momentum) {
        this.lengthScale = (float) lengthScale;
        this.momentum = (float) momentum;
        float std = (float) Math.sqrt(2.0 / ((double) embedding * features));
        registerParameter(
                "weight", manager.randomNormal(0f, std, new Shape(embedding, classes, features), DataType.FLOAT32));
        registerBuffer("count", manager.full(new Shape(classes), INITIAL_TOTAL_COUNT / classes));
        registerBuffer("centroid_sum", manager.randomNormal(0f, 1f, new Shape(embedding, classes), DataType.FLOAT32));
    }

    /** Per-class embeddings z: B × embedding × classes. */
    public NDArray embed(NDArray features) {
        // einsum("ij,mnj->imn"): (B×F) · (E·C×F)ᵀ → B × E·C
        NDArray weight = parameter("weight");
        Shape ws = weight.getShape();
        NDArray flat = weight.reshape(ws.get(0) * ws.get(1), ws.get(2));
        flat = scoped(flat, features.getManager());
        NDArray z = features.matMul(flat.transpose());
        return z.reshape(features.getShape().get(0), ws.get(0), ws.get(1));
    }

    /** Kernel values K (B × classes) in [0, 1]. */
    public NDArray kernel(NDArray z) {
        return logKernel(z).exp();
    }

    /**
     * ln K = −mean_j (zₖⱼ − eₖⱼ)² / (2σ²) (B × classes), computed directly rather than as the log of K, so that it
     * stays finite and differentiable where K underflows to 0; its log-softmax over classes is the log of the
     * class-normalized kernels Kₖ / Σⱼ Kⱼ.
     */
    public NDArray logKernel(NDArray z) {
        NDArray centroids = buffer("centroid_sum").div(buffer("count"));
        centroids = scoped(centroids, z.getManager());
        NDArray diff = z.sub(centroids.expandDims(0));
        return Scalars.div(diff.square().mean(new int[] {1}), -2.0 * lengthScale * lengthScale);
    }

    /** The EMA centroid update with embeddings z (B × E × C) and targets y (B × C), without gradient. */
    public void updateCentroids(NDArray z, NDArray targets) {
        NDArray count = buffer("count");
        NDArray sum = buffer("centroid_sum");
        NDArray classMass = targets.sum(new int[] {0});
        // Σᵢ yᵢₖ zᵢⱼₖ: (B×E×C) * (B×1×C) summed over B
        NDArray weighted = z.mul(targets.expandDims(1)).sum(new int[] {0});
        count.muli(momentum).addi(classMass.mul(1f - momentum));
        sum.muli(momentum).addi(weighted.mul(1f - momentum));
    }
}
