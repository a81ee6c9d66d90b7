package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.sngp.GpLayer;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Mode;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SNGP's Gaussian-process layer in both formulations: the precision matrix is P₀ + Σ φᵢφᵢᵀ over the epoch's
 * training passes, reset to P₀ at epoch start (P₀ = 0 for the reference, ridge·I for Liu et al.); the covariance
 * buffer is (ridge·I + P)⁻¹ (reference, variance = ridge·φCφᵀ) or ridge·P⁻¹ (Liu et al., variance = φΣφᵀ); the
 * prediction is the mean-field softmax. The random features φ are recomputed here in Java from the backbone output
 * of an identically initialized twin ResNet (same engine seed, so same weights, spectral-norm vectors and BatchNorm
 * state) and the fixed random-feature buffers.
 */
class SngpGaussianProcessTest {

    private static final int D = 64;
    private static final int B = 8;
    private static final int CLASSES = 10;
    private static final double RIDGE = 2.5; // not 1, so that a missing or misplaced ridge factor shows
    private static final Shape X_SHAPE = new Shape(B, 3, 16, 16);

    /** ResNet-8 SNGP on 16×16 images with these GP settings. */
    static ModelConfig config(int features, double ridge, double kernelScale, GpFormulation formulation) {
        return ModelConfig.defaults(Method.SNGP)
                .withDepth(8)
                .withImageSize(16)
                .withMethodConfig(gp(features, ridge, kernelScale, formulation));
    }

    /** The protocol's SNGP settings with these GP settings. */
    static SngpConfig gp(int features, double ridge, double kernelScale, GpFormulation formulation) {
        return SngpConfig.DEFAULTS
                .withFeatures(features)
                .withRidge(ridge)
                .withKernelScale(kernelScale)
                .withFormulation(formulation);
    }

    /** φ = cos(h Wᵀ + b) (reference) or √(2/D) cos(h Wᵀ + b) (Liu et al.), in doubles (kernel scale 1). */
    private static double[][] features(double[] h, double[] w, double[] b, GpFormulation formulation) {
        double factor = formulation == GpFormulation.REFERENCE ? 1.0 : Math.sqrt(2.0 / D);
        int in = ResNet.FEATURES;
        int rows = h.length / in;
        double[][] phi = new double[rows][D];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < D; j++) {
                double z = b[j];
                for (int k = 0; k < in; k++) {
                    z += h[i * in + k] * w[j * in + k];
                }
                phi[i][j] = factor * Math.cos(z);
            }
        }
        return phi;
    }

    private static void addOuterProducts(double[] p, double[][] phi) {
        for (double[] row : phi) {
            for (int a = 0; a < D; a++) {
                for (int c = 0; c < D; c++) {
                    p[a * D + c] += row[a] * row[c];
                }
            }
        }
    }

    private static double[] scaledIdentity(double scale) {
        double[] p = new double[D * D];
        for (int a = 0; a < D; a++) {
            p[a * D + a] = scale;
        }
        return p;
    }

    private static void assertMatrixClose(double[] actual, double[] expected, double tolerance, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s[%d,%d]", what, i / D, i % D).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static double[] trainForward(CifarNet net, ResNet twin, NDManager root, double[] xValues) {
        try (NDManager step = root.newSubManager()) {
            NDArray x = step.create(toFloat(xValues), X_SHAPE);
            NDArray y = step.randomInteger(0, CLASSES, new Shape(B), DataType.INT64)
                    .oneHot(CLASSES)
                    .toType(DataType.FLOAT32, false);
            try (Autograd g = Autograd.enable()) {
                net.trainingLoss(x, y);
            }
            double[][] h = new double[1][];
            Autograd.noGrad(() -> h[0] = LinAlg.doubles(twin.forward(x, Mode.TRAIN)));
            return h[0];
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double[] randomBatch(Random r) {
        double[] x = new double[(int) X_SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(GpFormulation.class)
    void precisionAccumulatesFeatureOuterProductsAndResetsAtEpochStart(GpFormulation formulation) {
        int seed = 21;
        Random r = new Random(seed);
        boolean reference = formulation == GpFormulation.REFERENCE;
        double initialScale = reference ? 0.0 : RIDGE;
        // the reference's φ are √(D/2) times larger: float32 errors scale with φ²
        double tol = reference ? D / 2.0 : 1.0;
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            CifarNet net = new CifarNet(root, config(D, RIDGE, 1.0, formulation), seed);
            Engine.getInstance().setRandomSeed(seed);
            ResNet twin = new ResNet(root, 1, 0.0, 3f, 16);
            Map<String, NDArray> netParams = net.namedParameters();
            twin.namedParameters()
                    .forEach((name, value) -> assertThat(LinAlg.doubles(value))
                            .as("twin %s", name)
                            .isEqualTo(LinAlg.doubles(netParams.get("backbone." + name))));
            Map<String, NDArray> buffers = net.namedBuffers();
            double[] w = LinAlg.doubles(buffers.get("gp.rff_weight"));
            double[] b = LinAlg.doubles(buffers.get("gp.rff_bias"));
            NDArray precision = buffers.get("gp.precision");

            assertMatrixClose(LinAlg.doubles(precision), scaledIdentity(initialScale), 0, "initial precision");
            // a pass before the epoch starts leaves something to reset
            trainForward(net, twin, root, randomBatch(r));
            assertThat(LinAlg.doubles(precision)).isNotEqualTo(scaledIdentity(initialScale));
            net.startEpoch();
            assertThat(LinAlg.doubles(buffers.get("gp.precision")))
                    .as("reset to %s·I exactly", initialScale)
                    .isEqualTo(scaledIdentity(initialScale));

            double[] expected = scaledIdentity(initialScale);
            double normsSquared = 0;
            for (int batch = 0; batch < 2; batch++) {
                double[][] phi = features(trainForward(net, twin, root, randomBatch(r)), w, b, formulation);
                addOuterProducts(expected, phi);
                for (double[] row : phi) {
                    for (double v : row) {
                        normsSquared += v * v;
                    }
                }
            }
            double[] p = LinAlg.doubles(buffers.get("gp.precision"));
            assertMatrixClose(p, expected, 2e-5 * tol, "precision after 2 batches");

            // structural facts that do not need φ: symmetric, P − ridge·I PSD of rank ≤ 2B, trace = Σ‖φᵢ‖²
            double trace = 0;
            double[] centered = p.clone();
            for (int a = 0; a < D; a++) {
                for (int c = 0; c < D; c++) {
                    assertThat(p[a * D + c]).isCloseTo(p[c * D + a], within(1e-6 * tol));
                }
                centered[a * D + a] -= initialScale;
                trace += centered[a * D + a];
            }
            assertThat(trace).isCloseTo(normsSquared, within(1e-4 * normsSquared));
            double[] eig = LinAlg.symmetricEigenvalues(centered, D);
            assertThat(eig[0]).as("smallest eigenvalue of P − P₀").isGreaterThan(-1e-4 * tol);
            assertThat(eig[D - 2 * B - 1]).as("rank ≤ 2B = %d", 2 * B).isLessThan(1e-4 * tol);
            assertThat(eig[D - 1]).isGreaterThan(0.1);

            // epoch end: reference C = (ridge·I + P)⁻¹, i.e. (ridge·I + P) C = I; Liu Σ = ridge · P⁻¹, i.e. P Σ =
            // ridge·I
            net.endEpoch();
            double[] cov = LinAlg.doubles(buffers.get("gp.covariance"));
            double[] left = p.clone();
            if (reference) {
                for (int a = 0; a < D; a++) {
                    left[a * D + a] += RIDGE;
                }
            }
            double rhs = reference ? 1.0 : RIDGE;
            for (int a = 0; a < D; a++) {
                for (int c = 0; c < D; c++) {
                    double s = 0;
                    for (int k = 0; k < D; k++) {
                        s += left[a * D + k] * cov[k * D + c];
                    }
                    assertThat(s).as("(P'C)[%d,%d]", a, c).isCloseTo(a == c ? rhs : 0, within(1e-4 * tol));
                }
            }

            // mean-field prediction from the same twin in inference mode
            double[] beta = LinAlg.doubles(netParams.get("gp.beta.weight"));
            try (NDManager step = root.newSubManager()) {
                double[] xValues = randomBatch(r);
                NDArray x = step.create(toFloat(xValues), X_SHAPE);
                Prediction prediction = net.predict(x);
                double[] probabilities = LinAlg.doubles(prediction.probabilities());
                double[] logits = LinAlg.doubles(prediction.logits());
                double[] score = LinAlg.doubles(prediction.nativeScore());
                double[][] phi = features(LinAlg.doubles(twin.forward(x, Mode.EVAL)), w, b, formulation);
                for (int i = 0; i < B; i++) {
                    double variance = 0;
                    for (int a = 0; a < D; a++) {
                        for (int c = 0; c < D; c++) {
                            variance += phi[i][a] * cov[a * D + c] * phi[i][c];
                        }
                    }
                    if (reference) {
                        variance *= RIDGE;
                    }
                    assertThat(score[i]).as("native score = −variance").isCloseTo(-variance, within(1e-5 * tol));
                    double scale = Math.sqrt(1 + Math.PI / 8 * variance);
                    double[] l = new double[CLASSES];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < CLASSES; k++) {
                        for (int a = 0; a < D; a++) {
                            l[k] += phi[i][a] * beta[k * D + a];
                        }
                        assertThat(logits[i * CLASSES + k]).isCloseTo(l[k], within(1e-5 * Math.sqrt(tol)));
                        max = Math.max(max, l[k] / scale);
                    }
                    double z = 0;
                    for (int k = 0; k < CLASSES; k++) {
                        z += Math.exp(l[k] / scale - max);
                    }
                    for (int k = 0; k < CLASSES; k++) {
                        assertThat(probabilities[i * CLASSES + k])
                                .isCloseTo(Math.exp(l[k] / scale - max) / z, within(1e-5));
                    }
                }
            }
            // inference passes do not touch the precision; the next epoch start resets it again
            assertThat(LinAlg.doubles(buffers.get("gp.precision"))).isEqualTo(p);
            net.startEpoch();
            assertThat(LinAlg.doubles(buffers.get("gp.precision"))).isEqualTo(scaledIdentity(initialScale));
        }
    }

    @Test
    void liuRandomFeaturesAreOrthogonalBlocksWithGaussianNorms() {
        int features = 1024;
        try (NDManager root = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            GpLayer head =
                    new GpLayer(root, ResNet.FEATURES, CLASSES, gp(features, 1.0, 1.0, GpFormulation.LIU2020), 5);
            double[] w = LinAlg.doubles(head.namedBuffers().get("rff_weight"));
            double[] b = LinAlg.doubles(head.namedBuffers().get("rff_bias"));
            int in = ResNet.FEATURES;
            double meanSquaredNorm = 0;
            for (int i = 0; i < features; i++) {
                double ni = 0;
                for (int k = 0; k < in; k++) {
                    ni += w[i * in + k] * w[i * in + k];
                }
                meanSquaredNorm += ni / features;
                // rows of one 64-row block are mutually orthogonal
                for (int j = (i / in) * in; j < i; j++) {
                    double dot = 0;
                    double nj = 0;
                    for (int k = 0; k < in; k++) {
                        dot += w[i * in + k] * w[j * in + k];
                        nj += w[j * in + k] * w[j * in + k];
                    }
                    assertThat(Math.abs(dot) / Math.sqrt(ni * nj))
                            .as("rows %d, %d", i, j)
                            .isLessThan(1e-5);
                }
            }
            // ‖wᵢ‖² ~ χ²(64): mean 64, standard error of the mean over 1024 rows √(128/1024) ≈ 0.35
            assertThat(meanSquaredNorm).isCloseTo(64, within(2.0));
            for (double v : b) {
                assertThat(v).isBetween(0.0, 2 * Math.PI);
            }
        }
    }

    @Test
    void liuRandomFeaturesApproximateTheRbfKernelWithTheConfiguredLengthScale() {
        int features = 1024;
        for (double lengthScale : new double[] {1.0, 2.0}) {
            try (NDManager root = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(2);
                GpLayer head = new GpLayer(
                        root, ResNet.FEATURES, CLASSES, gp(features, 1.0, lengthScale, GpFormulation.LIU2020), 9);
                Random r = new Random(4);
                int pairs = 40;
                float[] points = new float[2 * pairs * ResNet.FEATURES];
                double[] expected = new double[pairs];
                for (int p = 0; p < pairs; p++) {
                    double dist2 = 0;
                    for (int k = 0; k < ResNet.FEATURES; k++) {
                        double a = r.nextGaussian();
                        // distances of order one length scale, so the kernel values spread over (0, 1)
                        double delta =
                                r.nextGaussian() * lengthScale * (0.5 + p % 4 * 0.25) / Math.sqrt(ResNet.FEATURES);
                        points[2 * p * ResNet.FEATURES + k] = (float) a;
                        points[(2 * p + 1) * ResNet.FEATURES + k] = (float) (a + delta);
                        dist2 += delta * delta;
                    }
                    expected[p] = Math.exp(-dist2 / (2 * lengthScale * lengthScale));
                }
                double[] phi =
                        LinAlg.doubles(head.randomFeatures(root.create(points, new Shape(2 * pairs, ResNet.FEATURES))));
                double meanError = 0;
                for (int p = 0; p < pairs; p++) {
                    double k = 0;
                    for (int j = 0; j < features; j++) {
                        k += phi[2 * p * features + j] * phi[(2 * p + 1) * features + j];
                    }
                    meanError += Math.abs(k - expected[p]) / pairs;
                }
                // Monte-Carlo error of a 1024-feature estimate is ≈ 0.02; a wrong scale (ℓ vs ℓ², a missing √(2/D))
                // is off by far more
                assertThat(meanError)
                        .as("mean |φ(a)·φ(b) − k(a, b)|, ℓ = %s", lengthScale)
                        .isLessThan(0.04);
            }
        }
    }
}
