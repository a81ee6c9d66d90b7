package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
            DuqHead head = new DuqHead(m, F, C, E, SIGMA, GAMMA);
            double[] w = LinAlg.doubles(head.namedParameters().get("weight")); // E × C × F
            assertThat(head.namedParameters().get("weight").getShape()).isEqualTo(new Shape(E, C, F));
            double[] count0 = LinAlg.doubles(head.namedBuffers().get("count"));
            double[] sum0 = LinAlg.doubles(head.namedBuffers().get("centroid_sum")); // E × C
            assertThat(count0).containsOnly(13.0);

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
                assertThat(count1[c]).isCloseTo(GAMMA * 13 + (1 - GAMMA) * mass, within(1e-5));
                for (int e = 0; e < E; e++) {
                    double weighted = 0;
                    for (int i = 0; i < B; i++) {
                        weighted += yv[i * C + c] * z[i][e][c];
                    }
                    assertThat(sum1[e * C + c]).isCloseTo(GAMMA * sum0[e * C + c] + (1 - GAMMA) * weighted, within(1e-5));
                }
            }
        }
    }

    @Test
    void afterOptimizerStepMovesCentroidsButNotBatchNormStatistics() {
        Engine.getInstance().setRandomSeed(9);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(root, ModelConfig.defaults(Method.DUQ).withDepth(8).withDuqEmbedding(16), 9);
            double[] sumBefore = LinAlg.doubles(net.namedBuffers().get("duq.centroid_sum"));
            double[] meanBefore = LinAlg.doubles(net.namedBuffers().get("backbone.stem_bn.running_mean"));
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.randomNormal(0f, 1f, new Shape(4, 3, 8, 8), DataType.FLOAT32);
                NDArray y = step.eye(10).get("0:4");
                net.afterOptimizerStep(x, y);
            }
            assertThat(LinAlg.doubles(net.namedBuffers().get("duq.centroid_sum"))).isNotEqualTo(sumBefore);
            assertThat(LinAlg.doubles(net.namedBuffers().get("backbone.stem_bn.running_mean"))).isEqualTo(meanBefore);
            double[] count = LinAlg.doubles(net.namedBuffers().get("duq.count"));
            // classes 0..3 got one sample each, the others none: N = 0.999·13 (+ 0.001)
            for (int c = 0; c < 10; c++) {
                assertThat(count[c]).isCloseTo(0.999 * 13 + (c < 4 ? 0.001 : 0), within(1e-5));
            }
        }
    }
}
