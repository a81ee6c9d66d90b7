package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Spectral normalization with a bound (Miyato et al. 2018, as used by SNGP, Liu et al. 2020): the weight is viewed
 * as a matrix W of shape (out, in·kh·kw), its largest singular value σ is estimated by power iteration with
 * persistent vectors u (out) and v (in·kh·kw), stored as buffers {@code sn_u}, {@code sn_v} of the owning layer, and
 * the layer uses W / max(1, σ / c).
 *
 * <p>One power iteration per training step; the vectors are warmed up with {@link #WARMUP_ITERATIONS} iterations at
 * construction so the first steps already use a close estimate. In inference the stored vectors are used as they
 * are. σ = uᵀWv is differentiable in W only (u and v are constants), as in PyTorch's {@code spectral_norm}.
 */
final class SpectralNorm {

    static final int WARMUP_ITERATIONS = 50;
    private static final String U = "sn_u";
    private static final String V = "sn_v";
    private static final float EPS = 1e-12f;

    private final Module owner;
    private final float bound;

    SpectralNorm(Module owner, NDArray weight, float bound) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("spectral-norm bound must be > 0, got " + bound);
        }
        this.owner = owner;
        this.bound = bound;
        NDManager modelManager = weight.getManager();
        long out = weight.getShape().get(0);
        long in = weight.getShape().size() / out;
        try (NDManager tmp = modelManager.newSubManager()) {
            NDArray u0 = normalize(tmp.randomNormal(new Shape(out)));
            NDArray v0 = normalize(tmp.randomNormal(new Shape(in)));
            u0.attach(modelManager);
            v0.attach(modelManager);
            owner.registerBuffer(U, u0);
            owner.registerBuffer(V, v0);
            NDArray w = matrix(weight);
            w.attach(tmp);
            for (int i = 0; i < WARMUP_ITERATIONS; i++) {
                powerIteration(w);
            }
        }
    }

    float bound() {
        return bound;
    }

    private static NDArray matrix(NDArray weight) {
        long out = weight.getShape().get(0);
        return weight.reshape(out, weight.getShape().size() / out);
    }

    private static NDArray normalize(NDArray x) {
        return x.div(x.norm().add(EPS));
    }

    /** One power-iteration update of the stored u and v, without gradient. */
    private void powerIteration(NDArray w) {
        NDManager modelManager = owner.buffer(U).getManager();
        try (NDManager tmp = modelManager.newSubManager()) {
            NDArray wd = w.stopGradient();
            wd.attach(tmp);
            NDArray u = Module.scoped(owner.buffer(U).expandDims(1), tmp);
            NDArray vNew = normalize(wd.transpose().matMul(u).squeeze(1));
            vNew.attach(tmp);
            NDArray uNew = normalize(wd.matMul(vNew.expandDims(1)).squeeze(1));
            uNew.attach(modelManager);
            vNew.attach(modelManager);
            owner.replaceBuffer(U, uNew);
            owner.replaceBuffer(V, vNew);
        }
    }

    /**
     * The normalized weight for this forward pass, created in {@code stepManager}.
     *
     * @param updateVectors true in training: one power iteration before normalizing
     */
    NDArray normalized(NDArray weight, NDManager stepManager, boolean updateVectors) {
        NDArray w = Module.scoped(matrix(weight), stepManager);
        if (updateVectors) {
            powerIteration(w);
        }
        NDArray u = owner.buffer(U);
        NDArray v = Module.scoped(owner.buffer(V).expandDims(1), stepManager);
        NDArray wv = w.matMul(v).squeeze(1);
        NDArray sigma = wv.mul(u).sum();
        NDArray factor = Scalars.maximum(Scalars.div(sigma, bound), 1);
        return Module.scoped(weight.div(factor), stepManager);
    }
}
