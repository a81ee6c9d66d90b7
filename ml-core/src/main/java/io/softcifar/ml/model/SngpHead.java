package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.nn.Linear;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.nn.Scalars;
import java.util.SplittableRandom;

/**
 * SNGP's Gaussian-process output layer (Liu et al. 2020) as a random-feature model.
 *
 * <ul>
 *   <li>features φ(h) = √(2/D) · cos(W h / ℓ + b), D random features, W orthogonal random features (rows of
 *       Gaussian blocks orthogonalized by Gram–Schmidt and rescaled to χ-distributed norms), b ~ U(0, 2π), ℓ the
 *       kernel scale; W and b are fixed buffers;
 *   <li>logits = φ βᵀ with trainable β (no bias);
 *   <li>precision P = ridge·I + Σ φᵢφᵢᵀ accumulated over the training passes of an epoch (reset at epoch start,
 *       Gaussian likelihood as in edward2's default); covariance Σ = ridge · P⁻¹ computed at epoch end;
 *   <li>predictive variance vᵢ = φᵢ Σ φᵢᵀ; mean-field probabilities softmax(logits / √(1 + λ vᵢ)), λ = π/8.
 * </ul>
 */
public final class SngpHead extends Module {

    private final Linear beta;
    private final int features;
    private final double ridge;
    private final double kernelScale;

    public SngpHead(NDManager manager, int in, int classes, ModelConfig config, long seed) {
        this.features = config.gpFeatures();
        this.ridge = config.gpRidge();
        this.kernelScale = config.gpKernelScale();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5A6E_4750L);
        float[] w = orthogonalRandomFeatures(features, in, random);
        float[] b = new float[features];
        for (int i = 0; i < features; i++) {
            b[i] = (float) (random.nextDouble() * 2 * Math.PI);
        }
        registerBuffer("rff_weight", manager.create(w, new Shape(features, in)));
        registerBuffer("rff_bias", manager.create(b, new Shape(features)));
        beta = registerChild("beta", new Linear(manager, features, classes, false, null));
        registerBuffer("precision", identity(manager, ridge));
        registerBuffer("covariance", identity(manager, 1.0));
    }

    private NDArray identity(NDManager manager, double scale) {
        return manager.eye(features).mul((float) scale);
    }

    /** Random features of the backbone output h (B × in) → B × D. */
    public NDArray randomFeatures(NDArray h) {
        NDArray scaled = Scalars.div(h, kernelScale);
        NDArray z = scaled.getNDArrayInternal().linear(scaled, buffer("rff_weight"), buffer("rff_bias")).singletonOrThrow();
        return Scalars.mul(z.cos(), Math.sqrt(2.0 / features));
    }

    /** Logits; in training also accumulates φᵀφ into the precision matrix (without gradient). */
    public NDArray forward(NDArray phi, Mode mode) {
        if (mode.training()) {
            NDArray p = buffer("precision");
            NDArray detached = phi.stopGradient();
            NDArray update = detached.transpose().matMul(detached);
            p.addi(update);
        }
        return beta.forward(phi, mode);
    }

    /** Start of an epoch: P = ridge · I. */
    public void resetPrecision() {
        NDArray p = buffer("precision");
        NDManager m = p.getManager();
        try (NDManager tmp = m.newSubManager()) {
            NDArray fresh = identity(tmp, ridge).toType(p.getDataType(), false);
            p.subi(p).addi(fresh);
        }
    }

    /** End of an epoch: Σ = ridge · P⁻¹. */
    public void updateCovariance() {
        NDArray p = buffer("precision");
        NDManager m = p.getManager();
        try (NDManager tmp = m.newSubManager()) {
            NDArray inverse = p.inverse();
            inverse.attach(tmp);
            NDArray scaledInverse = inverse.mul((float) ridge);
            NDArray c = buffer("covariance");
            c.subi(c).addi(scaledInverse);
        }
    }

    /** Predictive variance per row: diag(φ Σ φᵀ). */
    public NDArray variance(NDArray phi) {
        NDArray cov = buffer("covariance");
        NDArray projected = phi.matMul(cov);
        return projected.mul(phi).sum(new int[] {1});
    }

    static float[] orthogonalRandomFeatures(int rows, int cols, SplittableRandom random) {
        float[] out = new float[rows * cols];
        double[][] block = new double[cols][cols];
        int done = 0;
        while (done < rows) {
            for (double[] r : block) {
                for (int j = 0; j < cols; j++) {
                    r[j] = gaussian(random);
                }
            }
            // Gram-Schmidt on the rows
            for (int i = 0; i < cols; i++) {
                for (int k = 0; k < i; k++) {
                    double dot = 0;
                    for (int j = 0; j < cols; j++) {
                        dot += block[i][j] * block[k][j];
                    }
                    for (int j = 0; j < cols; j++) {
                        block[i][j] -= dot * block[k][j];
                    }
                }
                double norm = 0;
                for (int j = 0; j < cols; j++) {
                    norm += block[i][j] * block[i][j];
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < cols; j++) {
                    block[i][j] /= norm;
                }
            }
            for (int i = 0; i < cols && done < rows; i++, done++) {
                // rescale to the norm of a Gaussian vector (χ with `cols` degrees of freedom)
                double chi = 0;
                for (int j = 0; j < cols; j++) {
                    double g = gaussian(random);
                    chi += g * g;
                }
                chi = Math.sqrt(chi);
                for (int j = 0; j < cols; j++) {
                    out[done * cols + j] = (float) (block[i][j] * chi);
                }
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
