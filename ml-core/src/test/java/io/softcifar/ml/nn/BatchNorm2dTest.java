package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.LinAlg;
import org.junit.jupiter.api.Test;

/** BatchNorm with PyTorch's conventions, checked against the formulas written out in Java. */
class BatchNorm2dTest {

    private static final int N = 5;
    private static final int C = 3;
    private static final int HW = 4 * 4;

    @Test
    void trainingNormalizesWithBatchStatisticsAndUpdatesRunningAveragesLikePyTorch() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d(m, C);
            double[] gamma = {0.5, 2.0, -1.0};
            double[] beta = {0.1, -0.3, 0.7};
            Autograd.noGrad(() -> {
                bn.namedParameters().get("gamma").muli(m.create(new float[] {0.5f, 2f, -1f}));
                bn.namedParameters().get("beta").addi(m.create(new float[] {0.1f, -0.3f, 0.7f}));
            });
            NDArray x = m.randomNormal(2f, 3f, new Shape(N, C, 4, 4), DataType.FLOAT32);
            double[] xs = LinAlg.doubles(x);
            double[] y = LinAlg.doubles(bn.forward(x, Mode.TRAIN));
            double[] runningMean = LinAlg.doubles(bn.namedBuffers().get("running_mean"));
            double[] runningVar = LinAlg.doubles(bn.namedBuffers().get("running_var"));
            int count = N * HW;
            for (int c = 0; c < C; c++) {
                double mean = 0;
                for (int n = 0; n < N; n++) {
                    for (int i = 0; i < HW; i++) {
                        mean += xs[(n * C + c) * HW + i] / count;
                    }
                }
                double ss = 0;
                for (int n = 0; n < N; n++) {
                    for (int i = 0; i < HW; i++) {
                        double d = xs[(n * C + c) * HW + i] - mean;
                        ss += d * d;
                    }
                }
                double biased = ss / count;
                double unbiased = ss / (count - 1);
                for (int n = 0; n < N; n++) {
                    for (int i = 0; i < HW; i++) {
                        int idx = (n * C + c) * HW + i;
                        double expected = gamma[c] * (xs[idx] - mean) / Math.sqrt(biased + 1e-5) + beta[c];
                        assertThat(y[idx]).isCloseTo(expected, within(1e-4));
                    }
                }
                // PyTorch momentum 0.1: r ← 0.9 r + 0.1 · batch statistic; the variance is the unbiased one
                assertThat(runningMean[c]).isCloseTo(0.1 * mean, within(1e-5));
                assertThat(runningVar[c]).isCloseTo(0.9 + 0.1 * unbiased, within(1e-4));
            }
        }
    }

    @Test
    void inferenceUsesRunningStatisticsAndLeavesThemAlone() {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d(m, C);
            for (int s = 0; s < 3; s++) {
                bn.forward(m.randomNormal(1f, 2f, new Shape(N, C, 4, 4), DataType.FLOAT32), Mode.TRAIN);
            }
            double[] mean = LinAlg.doubles(bn.namedBuffers().get("running_mean"));
            double[] var = LinAlg.doubles(bn.namedBuffers().get("running_var"));
            NDArray x = m.randomNormal(0f, 1f, new Shape(2, C, 4, 4), DataType.FLOAT32);
            double[] xs = LinAlg.doubles(x);
            for (Mode mode : new Mode[] {Mode.EVAL, Mode.MC_DROPOUT}) {
                double[] y = LinAlg.doubles(bn.forward(x, mode));
                for (int idx = 0; idx < xs.length; idx++) {
                    int c = (idx / HW) % C;
                    assertThat(y[idx]).isCloseTo((xs[idx] - mean[c]) / Math.sqrt(var[c] + 1e-5), within(1e-5));
                }
            }
            assertThat(LinAlg.doubles(bn.namedBuffers().get("running_mean"))).isEqualTo(mean);
            assertThat(LinAlg.doubles(bn.namedBuffers().get("running_var"))).isEqualTo(var);
        }
    }
}
