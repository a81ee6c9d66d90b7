package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.LinAlg;
import org.junit.jupiter.api.Test;

/** Initializations the docs promise: Kaiming-normal (fan-out) convolutions, PyTorch-default linear layers. */
class InitializationTest {

    private static double[] meanAndStd(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean) / v.length;
        }
        return new double[] {mean, Math.sqrt(var)};
    }

    @Test
    void convolutionIsKaimingNormalFanOutWithoutBias() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d conv = new Conv2d(m, 32, 64, 3, 1, null);
            assertThat(conv.namedParameters()).containsOnlyKeys("weight");
            assertThat(conv.namedParameters().get("weight").getShape()).isEqualTo(new Shape(64, 32, 3, 3));
            double[] ms = meanAndStd(LinAlg.doubles(conv.namedParameters().get("weight")));
            double std = Math.sqrt(2.0 / (64 * 9)); // fan-out = out · k²
            // 18,432 samples: the standard deviation is estimated to ~0.5 %
            assertThat(ms[1]).isCloseTo(std, within(0.02 * std));
            assertThat(ms[0]).isCloseTo(0, within(0.03 * std));
        }
    }

    @Test
    void linearIsUniformWithinOneOverSqrtFanIn() {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager m = NDManager.newBaseManager()) {
            Linear linear = new Linear(m, 256, 100, true, null);
            double bound = 1 / Math.sqrt(256);
            double[] w = LinAlg.doubles(linear.namedParameters().get("weight"));
            double[] b = LinAlg.doubles(linear.namedParameters().get("bias"));
            assertThat(w).hasSize(25_600);
            assertThat(b).hasSize(100);
            for (double v : w) {
                assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
            }
            for (double v : b) {
                assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
            }
            assertThat(meanAndStd(w)[1]).isCloseTo(bound / Math.sqrt(3), within(0.02 * bound));
            assertThat(new Linear(m, 4, 3, false, null).namedParameters()).containsOnlyKeys("weight");
        }
    }
}
