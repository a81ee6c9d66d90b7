package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.duq.DuqLayer;
import io.softcifar.ml.nn.Autograd;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** DUQ's head against its formulas written out in Java (van Amersfoort et al. 2020). */
class DuqHeadTest {

    private static final int F = 5;
    private static final int C = 3;
    private static final int E = 4;
    private static final int B = 6;
    private static final double SIGMA = 0.1;
    private static final double GAMMA = 0.9;

    @Test
    void embeddingKernelAndCentroidUpdateFollowTheFormulas() {
        Engine.getInstance().setRandomSeed(8);
        try (NDManager m = NDManager.newBaseManager()) {
            DuqLayer head = new DuqLayer(m, F, C, E, SIGMA, GAMMA);
            double[] w = LinAlg.doubles(head.namedParameters().get("weight")); // E × C × F
            assertThat(head.namedParameters().get("weight").getShape()).isEqualTo(new Shape(E, C, F));
            double[] count0 = LinAlg.doubles(head.namedBuffers().get("count"));
            double[] sum0 = LinAlg.doubles(head.namedBuffers().get("centroid_sum")); // E × C
            // the reference's N = 128 / classes
            for (double n : count0) {
                assertThat(n).isCloseTo(128.0 / C, within(1e-5));
            }

            Random r = new Random(8);
            float[] fv = new float[B * F];
            for (int i = 0; i < fv.length; i++) {
                fv[i] = (float) (r.nextGaussian() * 0.3);
            }
            float[] yv = new float[B * C];
            for (int i = 0; i < B; i++) {
                double a = r.nextDouble();
                yv[i * C + i % C] = (float) (0.5 + 0.5 * a);
                yv[i * C + (i + 1) % C] = (float) (0.5 - 0.5 * a);
            }
            NDArray f = m.create(fv, new Shape(B, F));
            NDArray y = m.create(yv, new Shape(B, C));
            double[][][] z = new double[B][E][C];
            for (int i = 0; i < B; i++) {
                for (int e = 0; e < E; e++) {
                    for (int c = 0; c < C; c++) {
                        for (int k = 0; k < F; k++) {
                            z[i][e][c] += w[(e * C + c) * F + k] * fv[i * F + k];
                        }
                    }
                }
            }
            double[] kernel;
            double[] embedded;
            try (NDManager s = m.newSubManager()) {
                NDArray zs = head.embed(f);
                assertThat(zs.getShape()).isEqualTo(new Shape(B, E, C));
                embedded = LinAlg.doubles(zs);
                kernel = LinAlg.doubles(head.kernel(zs));
                Autograd.noGrad(() -> head.updateCentroids(zs, y));
            }
            for (int i = 0; i < B; i++) {
                for (int e = 0; e < E; e++) {
                    for (int c = 0; c < C; c++) {
                        assertThat(embedded[(i * E + e) * C + c]).isCloseTo(z[i][e][c], within(1e-6));
                    }
                }
                for (int c = 0; c < C; c++) {
                    double d2 = 0;
                    for (int e = 0; e < E; e++) {
                        double d = z[i][e][c] - sum0[e * C + c] / count0[c];
                        d2 += d * d;
                    }
                    assertThat(kernel[i * C + c]).isCloseTo(Math.exp(-d2 / E / (2 * SIGMA * SIGMA)), within(1e-6));
                }
            }
            double[] count1 = LinAlg.doubles(head.namedBuffers().get("count"));
            double[] sum1 = LinAlg.doubles(head.namedBuffers().get("centroid_sum"));
            for (int c = 0; c < C; c++) {
                double mass = 0;
                for (int i = 0; i < B; i++) {
                    mass += yv[i * C + c];
                }
                assertThat(count1[c]).isCloseTo(GAMMA * 128.0 / C + (1 - GAMMA) * mass, within(1e-5));
                for (int e = 0; e < E; e++) {
                    double weighted = 0;
                    for (int i = 0; i < B; i++) {
                        weighted += yv[i * C + c] * z[i][e][c];
                    }
                    assertThat(sum1[e * C + c])
                            .isCloseTo(GAMMA * sum0[e * C + c] + (1 - GAMMA) * weighted, within(1e-5));
                }
            }
        }
    }

    @Test
    void afterOptimizerStepMovesCentroidsButNotBatchNormStatistics() {
        Engine.getInstance().setRandomSeed(9);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root, ModelConfig.defaults(Method.DUQ).withDepth(8).withDuqEmbedding(16), 9);
            double[] sumBefore = LinAlg.doubles(net.namedBuffers().get("duq.centroid_sum"));
            double[] meanBefore = LinAlg.doubles(net.namedBuffers().get("backbone.stem_bn.running_mean"));
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.randomNormal(0f, 1f, new Shape(4, 3, 8, 8), DataType.FLOAT32);
                NDArray y = step.eye(10).get("0:4");
                net.afterOptimizerStep(x, y);
            }
            assertThat(LinAlg.doubles(net.namedBuffers().get("duq.centroid_sum")))
                    .isNotEqualTo(sumBefore);
            assertThat(LinAlg.doubles(net.namedBuffers().get("backbone.stem_bn.running_mean")))
                    .isEqualTo(meanBefore);
            double[] count = LinAlg.doubles(net.namedBuffers().get("duq.count"));
            // classes 0..3 got one sample each, the others none: N = 0.999·12.8 (+ 0.001)
            for (int c = 0; c < 10; c++) {
                assertThat(count[c]).isCloseTo(0.999 * 12.8 + (c < 4 ? 0.001 : 0), within(1e-5));
            }
        }
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        double sum = 0;
        for (double x : v) {
            sum += (x - m) * (x - m);
        }
        return Math.sqrt(sum / (v.length - 1));
    }

    @Test
    void initialWeightsCountsAndSumsFollowTheReferenceDistributions() {
        // reference (wrappers/duq_wrapper.py): weight of shape C × L × F, kaiming_normal_(nonlinearity="relu") with
        // PyTorch's fan-in of a 3-d tensor, size(1)·size(2) = L·F, so std = √2 / √(L·F); N = 128 / C; m ~ N(0, 1)
        int features = 64;
        int classes = 10;
        int embedding = 256;
        Engine.getInstance().setRandomSeed(12);
        try (NDManager m = NDManager.newBaseManager()) {
            DuqLayer head = new DuqLayer(m, features, classes, embedding, SIGMA, 0.999);
            double[] w = LinAlg.doubles(head.namedParameters().get("weight"));
            double[] count = LinAlg.doubles(head.namedBuffers().get("count"));
            double[] sum = LinAlg.doubles(head.namedBuffers().get("centroid_sum"));
            assertThat(w).hasSize(embedding * classes * features);
            double wStd = Math.sqrt(2.0) / Math.sqrt((double) embedding * features); // 0.01105
            // the sample std of n normals has relative standard error 1/√(2n) = 0.17 % here; 1 % is ~6 of those,
            // and excludes the fan-in classes·features (std 0.0559) of the DUQ authors' layout
            assertThat(std(w)).isCloseTo(wStd, within(0.01 * wStd));
            assertThat(mean(w)).isCloseTo(0.0, within(6 * wStd / Math.sqrt(w.length)));
            for (double n : count) {
                assertThat(n).isCloseTo(12.8, within(1e-6));
            }
            assertThat(sum).hasSize(embedding * classes);
            // 2,560 standard normals: std within 6 standard errors (1/√(2n) = 0.014), mean within 6/√n = 0.12
            assertThat(std(sum)).isCloseTo(1.0, within(6 / Math.sqrt(2.0 * sum.length)));
            assertThat(mean(sum)).isCloseTo(0.0, within(6 / Math.sqrt(sum.length)));
        }
    }

    @Test
    void predictionIsTheClassNormalizedKernelsAndItsScoresDifferFromTheMaxKernel() {
        Engine.getInstance().setRandomSeed(13);
        int n = 32;
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root, ModelConfig.defaults(Method.DUQ).withDepth(8).withDuqEmbedding(16), 13);
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.randomNormal(0f, 1f, new Shape(n, 3, 8, 8), DataType.FLOAT32);
                double[] k = LinAlg.doubles(net.forward(x, io.softcifar.ml.nn.Mode.EVAL)); // kernel values
                Prediction p = net.predict(x);
                double[] probs = LinAlg.doubles(p.probabilities());
                double[] logits = LinAlg.doubles(p.logits());
                double[] native_ = LinAlg.doubles(p.nativeScore());
                double[] reference = LinAlg.doubles(p.referenceProbabilities());
                double[] predictive = LinAlg.doubles(p.predictiveLogits());
                double[] maxK = new double[n];
                double[] maxP = new double[n];
                for (int i = 0; i < n; i++) {
                    double total = 0;
                    for (int c = 0; c < 10; c++) {
                        total += k[i * 10 + c];
                        maxK[i] = Math.max(maxK[i], k[i * 10 + c]);
                    }
                    double refTotal = 0;
                    for (int c = 0; c < 10; c++) {
                        double q = k[i * 10 + c] / total;
                        maxP[i] = Math.max(maxP[i], q);
                        refTotal += Math.exp(q / (1 + q));
                    }
                    double maxLogit = Double.NEGATIVE_INFINITY;
                    double maxProb = 0;
                    for (int c = 0; c < 10; c++) {
                        double q = k[i * 10 + c] / total;
                        assertThat(probs[i * 10 + c]).isCloseTo(q, within(1e-6));
                        assertThat(logits[i * 10 + c]).isCloseTo(Math.log(q), within(1e-5));
                        assertThat(Math.exp(predictive[i * 10 + c])).isCloseTo(k[i * 10 + c], within(1e-6));
                        // the reference: softmax of sigmoid(ln q) = q / (1 + q)
                        assertThat(reference[i * 10 + c]).isCloseTo(Math.exp(q / (1 + q)) / refTotal, within(1e-6));
                        maxLogit = Math.max(maxLogit, logits[i * 10 + c]);
                        maxProb = Math.max(maxProb, probs[i * 10 + c]);
                    }
                    assertThat(maxProb).isCloseTo(maxP[i], within(1e-6));
                    assertThat(maxLogit).isCloseTo(Math.log(maxP[i]), within(1e-5));
                    assertThat(native_[i]).isCloseTo(maxK[i], within(1e-6));
                    assertThat(maxLogit).isNotCloseTo(native_[i], within(1e-3));
                }
                // the normalized kernel ranks some pair of points differently from the max kernel (the native score)
                int discordant = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (maxK[i] > maxK[j] + 1e-6 && maxP[i] < maxP[j] - 1e-6) {
                            discordant++;
                        }
                    }
                }
                assertThat(discordant).isPositive();
            }
        }
    }
}
