package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.sngp.GpLayer;
import io.softcifar.ml.model.sngp.SngpHead;
import io.softcifar.ml.nn.Mode;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The random features and the posterior of the SNGP layer, checked on the real layer's stored buffers and outputs
 * against facts derived here: the reference's weight distribution (orthonormal columns × 0.05 × χ(D) column norms,
 * which makes every column an exact N(0, 0.05² I) vector), its feature map cos(W h/√ℓ + b) without √(2/D)
 * (E[φ²] = ½, versus 1/D for Liu et al.), and the Gaussian-likelihood posterior variance from its definition
 * (prior β ~ N(0, I), noise variance = ridge: Σ = (I + ΦᵀΦ/ridge)⁻¹, v = φ Σ φᵀ) on a 16-feature, 40-row matrix.
 */
class SngpFormulationTest {

    private static final int IN = ResNet.FEATURES;
    private static final int CLASSES = 10;

    @Test
    void theReferenceFormulationIsTheDefault() {
        assertThat(ModelConfig.defaults(Method.SNGP)
                        .methodConfig(SngpConfig.class)
                        .formulation())
                .isEqualTo(GpFormulation.REFERENCE);
        assertThat(GpFormulation.parse(" Liu2020 ")).isEqualTo(GpFormulation.LIU2020);
        assertThat(GpFormulation.parse("reference")).isEqualTo(GpFormulation.REFERENCE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GpFormulation.parse("edward"))
                .hasMessageStartingWith("gp-formulation: unknown 'edward'");
    }

    @Test
    void referenceWeightsHaveOrthogonalColumnsOfGaussianNormTimesFiveHundredths() {
        int features = 1024;
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            // the real model with the protocol's SNGP settings (1,024 features, reference formulation by default)
            CifarNet net = new CifarNet(root, ModelConfig.defaults(Method.SNGP).withDepth(8), 3);
            NDArray stored = net.namedBuffers().get("gp.rff_weight");
            assertThat(stored.getShape()).isEqualTo(new Shape(features, IN));
            double[] w = LinAlg.doubles(stored);
            double[][] col = new double[IN][features];
            for (int i = 0; i < features; i++) {
                for (int j = 0; j < IN; j++) {
                    col[j][i] = w[i * IN + j];
                }
            }
            double[] norm = new double[IN];
            for (int j = 0; j < IN; j++) {
                norm[j] = Math.sqrt(dot(col[j], col[j]));
            }
            for (int j = 0; j < IN; j++) {
                for (int k = 0; k < j; k++) {
                    assertThat(Math.abs(dot(col[j], col[k])) / (norm[j] * norm[k]))
                            .as("columns %d, %d", j, k)
                            .isLessThan(1e-5);
                }
            }
            // ‖column‖ / 0.05 ~ χ(1024): mean √1023.5 ≈ 31.99, sd ≈ 0.707; the mean of ‖column‖²/0.05² over 64
            // columns ~ 1024 ± √2048/8 ≈ 5.7
            double meanSquare = 0;
            double mean = 0;
            for (double n : norm) {
                double chi = n / 0.05;
                assertThat(chi).isBetween(31.99 - 5 * 0.707, 31.99 + 5 * 0.707);
                meanSquare += chi * chi / IN;
                mean += chi / IN;
            }
            assertThat(meanSquare).isCloseTo(1024, within(25.0));
            double var = 0;
            for (double n : norm) {
                var += Math.pow(n / 0.05 - mean, 2) / (IN - 1);
            }
            // the norms are drawn, not fixed (a fixed norm would give sd 0); sd of 64 χ(1024) draws ≈ 0.71 ± 0.06
            assertThat(Math.sqrt(var)).isBetween(0.45, 1.0);
            // a uniform direction times an independent χ(1024) length is an N(0, I) vector: every entry is
            // N(0, 0.05²): mean 0, sd 0.05, kurtosis 3 (65,536 entries: se of sd ≈ 0.3 %, of kurtosis ≈ 0.02)
            double m1 = 0;
            double m2 = 0;
            double m4 = 0;
            for (double v : w) {
                m1 += v / w.length;
                m2 += v * v / w.length;
                m4 += v * v * v * v / w.length;
            }
            assertThat(m1).isCloseTo(0, within(0.001));
            assertThat(Math.sqrt(m2)).isCloseTo(0.05, within(0.0015));
            assertThat(m4 / (m2 * m2)).isCloseTo(3.0, within(0.15));
            // the rows (one frequency vector per feature) are not orthogonal: 1,024 vectors in 64 dimensions, each
            // of norm ≈ 0.05·8 = 0.4 rather than Liu's χ(64) ≈ 8
            double rowNorm = 0;
            for (int i = 0; i < features; i++) {
                double s = 0;
                for (int j = 0; j < IN; j++) {
                    s += w[i * IN + j] * w[i * IN + j];
                }
                rowNorm += Math.sqrt(s) / features;
            }
            assertThat(rowNorm).isCloseTo(0.05 * Math.sqrt(63.5), within(0.02));
            double[] b = LinAlg.doubles(net.namedBuffers().get("gp.rff_bias"));
            double meanB = 0;
            for (double v : b) {
                assertThat(v).isBetween(0.0, 2 * Math.PI);
                meanB += v / b.length;
            }
            assertThat(meanB).as("mean of U(0, 2π): π ± 0.06 (se)").isCloseTo(Math.PI, within(0.25));
        }
    }

    @Test
    void referenceWeightsWithFewerFeaturesThanInputsStackSquareOrthogonalBlocks() {
        int features = 16;
        int in = 40;
        try (NDManager root = NDManager.newBaseManager()) {
            GpLayer head = new GpLayer(
                    root, in, CLASSES, SngpGaussianProcessTest.gp(features, 1.0, 1.0, GpFormulation.REFERENCE), 11);
            double[] w = LinAlg.doubles(head.namedBuffers().get("rff_weight"));
            double[][] col = new double[in][features];
            for (int i = 0; i < features; i++) {
                for (int j = 0; j < in; j++) {
                    col[j][i] = w[i * in + j];
                }
            }
            double maxAcross = 0;
            for (int j = 0; j < in; j++) {
                double nj = Math.sqrt(dot(col[j], col[j]));
                // χ(16) · 0.05: χ(16) lies in (0.5, 9) with overwhelming probability
                assertThat(nj / 0.05).isBetween(0.5, 9.0);
                for (int k = 0; k < j; k++) {
                    double c = Math.abs(dot(col[j], col[k])) / (nj * Math.sqrt(dot(col[k], col[k])));
                    if (j / features == k / features) {
                        assertThat(c).as("columns %d, %d of one block", j, k).isLessThan(1e-5);
                    } else {
                        maxAcross = Math.max(maxAcross, c);
                    }
                }
            }
            assertThat(maxAcross)
                    .as("columns of different blocks are independent, not orthogonal")
                    .isGreaterThan(0.1);
        }
    }

    @Test
    void referenceFeatureMapIsCosineOfInputOverRootKernelScaleWithoutSqrtTwoOverD() {
        int features = 1024;
        double kernelScale = 4.0; // 1/√ℓ = 0.5 differs from 1/ℓ = 0.25
        int rows = 40;
        Random r = new Random(5);
        try (NDManager root = NDManager.newBaseManager()) {
            GpLayer reference = new GpLayer(
                    root,
                    IN,
                    CLASSES,
                    SngpGaussianProcessTest.gp(features, 1.0, kernelScale, GpFormulation.REFERENCE),
                    13);
            GpLayer liu = new GpLayer(
                    root,
                    IN,
                    CLASSES,
                    SngpGaussianProcessTest.gp(features, 1.0, kernelScale, GpFormulation.LIU2020),
                    13);
            float[] h = new float[rows * IN];
            for (int i = 0; i < h.length; i++) {
                h[i] = (float) (10 * r.nextGaussian());
            }
            NDArray input = root.create(h, new Shape(rows, IN));
            double[] phi = LinAlg.doubles(reference.randomFeatures(input));
            double[] w = LinAlg.doubles(reference.namedBuffers().get("rff_weight"));
            double[] b = LinAlg.doubles(reference.namedBuffers().get("rff_bias"));
            double meanSquare = 0;
            double maxAbs = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < features; j++) {
                    double z = b[j];
                    for (int k = 0; k < IN; k++) {
                        z += w[j * IN + k] * h[i * IN + k] / Math.sqrt(kernelScale);
                    }
                    double v = phi[i * features + j];
                    assertThat(v).as("φ[%d,%d]", i, j).isCloseTo(Math.cos(z), within(2e-5));
                    meanSquare += v * v / (rows * features);
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
            }
            // cos of a uniform phase: E[φ²] = ½, values fill [−1, 1]
            assertThat(meanSquare).isCloseTo(0.5, within(0.02));
            assertThat(maxAbs).isBetween(0.999, 1.0);
            double[] phiLiu = LinAlg.doubles(liu.randomFeatures(input));
            double liuSquare = 0;
            for (double v : phiLiu) {
                liuSquare += v * v / rows; // Σ_j φ_j² per row, = D · E[φ²] = D · (1/D) = 1
                assertThat(Math.abs(v)).isLessThanOrEqualTo(Math.sqrt(2.0 / features) + 1e-6);
            }
            assertThat(liuSquare).isCloseTo(1.0, within(0.04));
        }
    }

    @Test
    void referenceFeaturesApproximateAnRbfKernelOfLengthTwentyTimesRootKernelScale() {
        // entries of W ~ N(0, 0.05²) and inputs divided by √ℓ: frequencies ~ N(0, 0.05²/ℓ · I), so
        // E[φ(a)·φ(b)] = (D/2) · exp(−0.05² ‖a − b‖² / (2ℓ)): length scale 20·√ℓ
        int features = 1024;
        for (double kernelScale : new double[] {1.0, 4.0}) {
            double length = 20 * Math.sqrt(kernelScale);
            try (NDManager root = NDManager.newBaseManager()) {
                GpLayer head = new GpLayer(
                        root,
                        IN,
                        CLASSES,
                        SngpGaussianProcessTest.gp(features, 1.0, kernelScale, GpFormulation.REFERENCE),
                        17);
                Random r = new Random(6);
                int pairs = 40;
                float[] points = new float[2 * pairs * IN];
                double[] expected = new double[pairs];
                for (int p = 0; p < pairs; p++) {
                    double dist2 = 0;
                    for (int k = 0; k < IN; k++) {
                        double a = 30 * r.nextGaussian();
                        double delta = r.nextGaussian() * length * (0.5 + p % 4 * 0.25) / Math.sqrt(IN);
                        points[2 * p * IN + k] = (float) a;
                        points[(2 * p + 1) * IN + k] = (float) (a + delta);
                        dist2 += delta * delta;
                    }
                    expected[p] = Math.exp(-dist2 / (2 * length * length));
                }
                double[] phi = LinAlg.doubles(head.randomFeatures(root.create(points, new Shape(2 * pairs, IN))));
                double meanError = 0;
                for (int p = 0; p < pairs; p++) {
                    double k = 0;
                    for (int j = 0; j < features; j++) {
                        k += phi[2 * p * features + j] * phi[(2 * p + 1) * features + j];
                    }
                    meanError += Math.abs(2.0 / features * k - expected[p]) / pairs;
                }
                // Monte-Carlo error of 1,024 features ≈ 0.02; length 20 instead of 20·√ℓ (or ℓ instead of √ℓ) at
                // ℓ = 4 shifts the kernel values by ~0.2
                assertThat(meanError).as("ℓ = %s", kernelScale).isLessThan(0.04);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(GpFormulation.class)
    void posteriorVarianceMatchesTheClosedFormAndForgetsTheLastEpoch(GpFormulation formulation) {
        int features = 16;
        int in = 8;
        int rows = 40;
        double ridge = 2.5;
        Random r = new Random(8);
        try (NDManager root = NDManager.newBaseManager()) {
            GpLayer head =
                    new GpLayer(root, in, CLASSES, SngpGaussianProcessTest.gp(features, ridge, 1.0, formulation), 19);
            // epoch 1 on one set of rows, epoch 2 on another: the posterior must be that of epoch 2 only
            double[] phiTest = null;
            double[] phiTrain = null;
            for (int epoch = 0; epoch < 2; epoch++) {
                head.resetPrecision();
                NDArray train = root.create(gaussian(r, rows * in, 20), new Shape(rows, in));
                NDArray phi = head.randomFeatures(train);
                phiTrain = LinAlg.doubles(phi);
                head.forward(phi, Mode.TRAIN);
                head.updateCovariance();
            }
            NDArray testPhi = head.randomFeatures(root.create(gaussian(r, 10 * in, 20), new Shape(10, in)));
            phiTest = LinAlg.doubles(testPhi);
            double[] variance = LinAlg.doubles(head.variance(testPhi));

            // Σ = (I + ΦᵀΦ / ridge)⁻¹ in double, by Gauss–Jordan elimination
            double[][] a = new double[features][2 * features];
            for (int i = 0; i < features; i++) {
                for (int j = 0; j < features; j++) {
                    double s = 0;
                    for (int n = 0; n < rows; n++) {
                        s += phiTrain[n * features + i] * phiTrain[n * features + j];
                    }
                    a[i][j] = (i == j ? 1 : 0) + s / ridge;
                }
                a[i][features + i] = 1;
            }
            double[][] sigma = invert(a, features);
            for (int t = 0; t < 10; t++) {
                double v = 0;
                for (int i = 0; i < features; i++) {
                    for (int j = 0; j < features; j++) {
                        v += phiTest[t * features + i] * sigma[i][j] * phiTest[t * features + j];
                    }
                }
                assertThat(variance[t]).as("v[%d], %s", t, formulation).isCloseTo(v, within(1e-4 * Math.max(1, v)));
                assertThat(v).isPositive();
            }
        }
    }

    @Test
    void referenceMonteCarloAveragesDrawnLogitsWhoseSpreadIsThePredictiveVariance() {
        int samples = 4000;
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            CifarNet net = new CifarNet(root, SngpGaussianProcessTest.config(64, 1.0, 1.0, GpFormulation.REFERENCE), 4);
            Random r = new Random(9);
            NDArray x = root.create(gaussian(r, 8 * 3 * 16 * 16, 1), new Shape(8, 3, 16, 16));
            Prediction p = net.predict(x);
            double[] logits = LinAlg.doubles(p.logits());
            double[] variance = LinAlg.doubles(p.nativeScore().neg());
            SngpHead.MonteCarlo mc = net.head(SngpHead.class).monteCarlo(x, samples);
            double[] meanLogits = LinAlg.doubles(mc.meanLogits());
            double[] meanProbs = LinAlg.doubles(mc.meanProbabilities());
            // (mean of S draws − logit) / √(v/S) ~ N(0, 1) for each of the 80 entries
            double m = 0;
            double m2 = 0;
            int n = logits.length;
            for (int i = 0; i < n; i++) {
                double v = variance[i / CLASSES];
                assertThat(v)
                        .as("untrained: C = I, v = ridge·‖φ‖² of order D/2")
                        .isGreaterThan(5);
                double z = (meanLogits[i] - logits[i]) / Math.sqrt(v / samples);
                m += z / n;
                m2 += z * z / n;
            }
            assertThat(m).isCloseTo(0, within(4 / Math.sqrt(n)));
            assertThat(m2).isBetween(0.5, 1.6);
            // the mean softmax over the draws is another distribution than softmax of the mean logits
            double maxDiff = 0;
            for (int i = 0; i < 8; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < CLASSES; k++) {
                    max = Math.max(max, meanLogits[i * CLASSES + k]);
                }
                double z = 0;
                for (int k = 0; k < CLASSES; k++) {
                    z += Math.exp(meanLogits[i * CLASSES + k] - max);
                }
                double sum = 0;
                for (int k = 0; k < CLASSES; k++) {
                    sum += meanProbs[i * CLASSES + k];
                    maxDiff = Math.max(
                            maxDiff,
                            Math.abs(meanProbs[i * CLASSES + k] - Math.exp(meanLogits[i * CLASSES + k] - max) / z));
                }
                assertThat(sum).isCloseTo(1, within(1e-5));
            }
            assertThat(maxDiff).isGreaterThan(0.01);
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] gaussian(Random r, int n, double sd) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (sd * r.nextGaussian());
        }
        return f;
    }

    /** The inverse of the left n × n half of the augmented matrix [A | I] by Gauss–Jordan with partial pivoting. */
    private static double[][] invert(double[][] a, int n) {
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[pivot][c])) {
                    pivot = i;
                }
            }
            double[] tmp = a[c];
            a[c] = a[pivot];
            a[pivot] = tmp;
            double d = a[c][c];
            for (int j = 0; j < 2 * n; j++) {
                a[c][j] /= d;
            }
            for (int i = 0; i < n; i++) {
                if (i != c) {
                    double f = a[i][c];
                    for (int j = 0; j < 2 * n; j++) {
                        a[i][j] -= f * a[c][j];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, inv[i], 0, n);
        }
        return inv;
    }
}
