package io.softcifar.ml.model;

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
 * Initialization as in the reference code: W Kaiming-normal (fan-in = classes·features), N = 13, m = N · N(0, 0.05²).
 */
public final class DuqHead extends Module {

    private static final float INITIAL_COUNT = 13f;

    private final float lengthScale;
    private final float momentum;

    public DuqHead(NDManager manager, int features, int classes, int embedding, double lengthScale, double momentum) {
        this.lengthScale = (float) lengthScale;
        this.momentum = (float) momentum;
        float std = (float) Math.sqrt(2.0 / (classes * features));
        registerParameter("weight",
                manager.randomNormal(0f, std, new Shape(embedding, classes, features), DataType.FLOAT32));
        NDArray n = manager.full(new Shape(classes), INITIAL_COUNT);
        registerBuffer("count", n);
        NDArray m = manager.randomNormal(0f, 0.05f, new Shape(embedding, classes), DataType.FLOAT32).muli(INITIAL_COUNT);
        registerBuffer("centroid_sum", m);
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
        NDArray centroids = buffer("centroid_sum").div(buffer("count"));
        centroids = scoped(centroids, z.getManager());
        NDArray diff = z.sub(centroids.expandDims(0));
        return Scalars.div(diff.square().mean(new int[] {1}), -2.0 * lengthScale * lengthScale).exp();
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
