package io.softcifar.ml.model.sngp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.GpFormulation;
import io.softcifar.ml.model.SngpConfig;
import io.softcifar.ml.nn.Linear;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.nn.Scalars;
import java.util.SplittableRandom;

/**
 * SNGP's Gaussian-process output layer (Liu et al. 2020) as a random-feature model, in one of two formulations
 * ({@link GpFormulation}; docs/science/sngp-gp-layer.md):
 *
 * <ul>
 *   <li>{@link GpFormulation#REFERENCE} (default, the reference code): W (D × in) with orthonormal columns
 *       (Gram–Schmidt = QR of a Gaussian matrix; for D &lt; in, square D × D blocks side by side) times
 *       {@value #REFERENCE_GAIN} times a χ(D) norm per column; φ(h) = cos(W h/√ℓ + b); precision P = Σ φᵢφᵢᵀ
 *       (starts at 0, reset to 0 at epoch start); covariance buffer C = (ridge·I + P)⁻¹; variance
 *       vᵢ = ridge · φᵢ C φᵢᵀ;
 *   <li>{@link GpFormulation#LIU2020}: rows of W from N(0, I) in orthogonal blocks (Gram–Schmidt) rescaled to
 *       χ(in) norms; φ(h) = √(2/D) · cos(W h/ℓ + b); precision P = ridge·I + Σ φᵢφᵢᵀ (reset to ridge·I);
 *       covariance buffer Σ = ridge · P⁻¹; variance vᵢ = φᵢ Σ φᵢᵀ.
 * </ul>
 * In both, b ~ U(0, 2π), W and b are fixed buffers ({@code rff_weight} D × in, {@code rff_bias}), logits = φ βᵀ with
 * trainable β (no bias), the precision is accumulated over the training passes of an epoch (Gaussian likelihood,
 * exact sum) and inverted at epoch end, and both give the same posterior for the same φ:
 * v = ridge · φ (ridge·I + ΦᵀΦ)⁻¹ φᵀ. Mean-field probabilities are softmax(logits / √(1 + λ vᵢ)), λ = π/8.
 */
public final class GpLayer extends Module {

    /** The reference's {@code std} of its orthogonal random-feature initializer (gain of the orthogonal matrix). */
    public static final double REFERENCE_GAIN = 0.05;

    private final Linear beta;
    private final int features;
    private final double ridge;
    private final double kernelScale;
    private final GpFormulation formulation;

    public GpLayer(NDManager manager, int in, int classes, SngpConfig config, long seed) {
        this.features = config.features();
        this.ridge = config.ridge();
        this.kernelScale = config.kernelScale();
        this.formulation = config.formulation();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5A6E_4750L);
        float[] w = formulation == GpFormulation.REFERENCE
                ? referenceRandomFeatures(features, in, REFERENCE_GAIN, random)
                : orthogonalRandomFeatures(features, in, random);
        float[] b = new float[features];
        for (int i = 0; i < features; i++) {
            b[i] = (float) (random.nextDouble() * 2 * Math.PI);
        }
        registerBuffer("rff_weight", manager.create(w, new Shape(features, in)));
        registerBuffer("rff_bias", manager.create(b, new Shape(features)));
        beta = registerChild("beta", new Linear(manager, features, classes, false, null));
        registerBuffer("precision", identity(manager, initialPrecisionScale()));
        registerBuffer("covariance", identity(manager, 1.0));
    }

    public GpFormulation formulation() {
        return formulation;
    }

    /** The precision at epoch start is {@code scale}·I: 0 for the reference, ridge for Liu et al. */
    private double initialPrecisionScale() {
        return formulation == GpFormulation.REFERENCE ? 0.0 : ridge;
    }

    private NDArray identity(NDManager manager, double scale) {
        return manager.eye(features).mul((float) scale);
    }

    /**
     * Random features of the backbone output h (B × in) → B × D: cos(W h/√ℓ + b) (reference) or
     * √(2/D) cos(W h/ℓ + b) (Liu et al.).
     */
    public NDArray randomFeatures(NDArray h) {
        if (formulation == GpFormulation.REFERENCE) {
            NDArray scaled = kernelScale == 1.0 ? h : Scalars.mul(h, 1.0 / Math.sqrt(kernelScale));
            return scaled.getNDArrayInternal()
                    .linear(scaled, buffer("rff_weight"), buffer("rff_bias"))
                    .singletonOrThrow()
                    .cos();
        }
        NDArray scaled = Scalars.div(h, kernelScale);
        NDArray z = scaled.getNDArrayInternal()
                .linear(scaled, buffer("rff_weight"), buffer("rff_bias"))
                .singletonOrThrow();
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

    /** Start of an epoch: P = 0 (reference) or ridge · I (Liu et al.). */
    public void resetPrecision() {
        NDArray p = buffer("precision");
        NDManager m = p.getManager();
        try (NDManager tmp = m.newSubManager()) {
            NDArray fresh = identity(tmp, initialPrecisionScale()).toType(p.getDataType(), false);
            p.subi(p).addi(fresh);
        }
    }

    /**
     * End of an epoch: C = (ridge·I + P)⁻¹ (reference) or Σ = ridge · P⁻¹ (Liu et al.), inverted in double: without
     * the √(2/D) factor the reference's P reaches eigenvalues of order N·D/2 (millions) next to the ridge, a condition
     * number float32 cannot invert accurately.
     */
    public void updateCovariance() {
        NDArray p = buffer("precision");
        NDManager m = p.getManager();
        try (NDManager tmp = m.newSubManager()) {
            NDArray c = buffer("covariance");
            NDArray p64 = p.toType(DataType.FLOAT64, true);
            p64.attach(tmp);
            NDArray updated;
            if (formulation == GpFormulation.REFERENCE) {
                NDArray eye = tmp.eye(features).toType(DataType.FLOAT64, false).mul(ridge);
                NDArray regularized = p64.add(eye);
                regularized.attach(tmp);
                updated = regularized.inverse();
            } else {
                NDArray inverse = p64.inverse();
                inverse.attach(tmp);
                updated = inverse.mul(ridge);
            }
            updated.attach(tmp);
            NDArray single = updated.toType(c.getDataType(), false);
            single.attach(tmp);
            c.subi(c).addi(single);
        }
    }

    /**
     * Predictive variance per row: ridge · diag(φ C φᵀ) (reference) or diag(φ Σ φᵀ) (Liu et al.), at least 0 (float
     * rounding of a tiny in-distribution variance must not turn into a NaN standard deviation).
     */
    public NDArray variance(NDArray phi) {
        NDArray cov = buffer("covariance");
        NDArray projected = phi.matMul(cov);
        NDArray v = projected.mul(phi).sum(new int[] {1});
        NDArray scaled = formulation == GpFormulation.REFERENCE && ridge != 1.0 ? Scalars.mul(v, ridge) : v;
        return Scalars.maximum(scaled, 0.0);
    }

    /**
     * The reference's weight draw: a rows × cols matrix whose columns are orthonormal (rows ≥ cols: Gram–Schmidt on
     * the columns of a Gaussian matrix, the Q of its QR decomposition with a positive diagonal of R, i.e. a
     * Haar-distributed semi-orthogonal matrix; rows &lt; cols: square rows × rows orthogonal blocks side by side, the
     * last one cut), times {@code gain}, times an independent χ(rows) norm per column (the norm of a Gaussian
     * column of length rows). Row-major.
     */
    static float[] referenceRandomFeatures(int rows, int cols, double gain, SplittableRandom random) {
        double[][] columns = new double[cols][];
        int done = 0;
        while (done < cols) {
            int blockCols = Math.min(rows, cols);
            double[][] block = new double[blockCols][rows];
            for (double[] c : block) {
                for (int i = 0; i < rows; i++) {
                    c[i] = gaussian(random);
                }
            }
            orthonormalize(block);
            for (int k = 0; k < blockCols && done < cols; k++, done++) {
                columns[done] = block[k];
            }
        }
        float[] out = new float[rows * cols];
        for (int j = 0; j < cols; j++) {
            double chi = 0;
            for (int i = 0; i < rows; i++) {
                double g = gaussian(random);
                chi += g * g;
            }
            double scale = gain * Math.sqrt(chi);
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = (float) (columns[j][i] * scale);
            }
        }
        return out;
    }

    /** Modified Gram–Schmidt on the vectors, in place (twice, for orthogonality to double precision). */
    private static void orthonormalize(double[][] vectors) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < vectors.length; i++) {
                double[] v = vectors[i];
                for (int k = 0; k < i; k++) {
                    double[] u = vectors[k];
                    double dot = 0;
                    for (int j = 0; j < v.length; j++) {
                        dot += v[j] * u[j];
                    }
                    for (int j = 0; j < v.length; j++) {
                        v[j] -= dot * u[j];
                    }
                }
                double norm = 0;
                for (double x : v) {
                    norm += x * x;
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < v.length; j++) {
                    v[j] /= norm;
                }
            }
        }
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
