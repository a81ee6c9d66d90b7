package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.nn.Autograd;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NesterovSgdTest {

    /**
     * Runs {@code steps} updates on the scalar loss L(w) = ½·a·w² (so ∇ = a·w) and returns w after each step.
     */
    private static double[] run(double a, double w0, double mu, double wd, double lr, boolean nesterov, int steps) {
        EngineSetup.engine();
        double[] ws = new double[steps];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray param = m.create(new float[] {(float) w0});
            param.setRequiresGradient(true);
            NesterovSgd sgd = new NesterovSgd(Map.of("w", param), m, mu, wd, nesterov);
            for (int step = 0; step < steps; step++) {
                try (NDManager sm = m.newSubManager()) {
                    try (Autograd g = Autograd.enable()) {
                        NDArray loss = param.square().mul((float) (a / 2)).sum();
                        Autograd.backward(loss);
                    }
                    sgd.step(lr, sm);
                }
                ws[step] = param.getFloat(0);
            }
        }
        return ws;
    }

    /**
     * Plain momentum by hand, a = 2, w₀ = 1, μ = 0.5, lr = 0.1, no weight decay (g = 2w; b = μb + g;
     * w = w − lr·b):
     * g=2, b=2, w=0.8; g=1.6, b=2.6, w=0.54; g=1.08, b=2.38, w=0.302.
     */
    @Test
    void plainMomentumMatchesAHandComputedSequence() {
        assertThat(run(2, 1, 0.5, 0, 0.1, false, 3)).containsExactly(new double[] {0.8, 0.54, 0.302}, within(1e-6));
    }

    /**
     * Nesterov by hand, same problem (w = w − lr·(g + μb)): g=2, b=2, w=1−0.1·3=0.7; g=1.4, b=2.4,
     * w=0.7−0.1·2.6=0.44; g=0.88, b=2.08, w=0.44−0.1·1.92=0.248.
     */
    @Test
    void nesterovMomentumMatchesAHandComputedSequence() {
        assertThat(run(2, 1, 0.5, 0, 0.1, true, 3)).containsExactly(new double[] {0.7, 0.44, 0.248}, within(1e-6));
    }

    /**
     * Weight decay enters the gradient: a = 1, wd = 1, so g = 2w, with μ = 0.5, lr = 0.1 the same numbers as the
     * plain sequence above; the default (4-argument) constructor is plain momentum.
     */
    @Test
    void weightDecayIsAddedToTheGradientAndPlainIsTheDefault() {
        EngineSetup.engine();
        assertThat(run(1, 1, 0.5, 1, 0.1, false, 3)).containsExactly(new double[] {0.8, 0.54, 0.302}, within(1e-6));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(new NesterovSgd(Map.of("w", m.zeros(new ai.djl.ndarray.types.Shape(1))), m, 0.9, 5e-4)
                            .nesterov())
                    .isFalse();
        }
    }

    /** PyTorch's formulas written out in double precision over more steps, with weight decay, both kinds. */
    @Test
    void matchesPyTorchFormulasStepByStep() {
        double a = 3.0, wd = 0.1, mu = 0.9, lr = 0.05;
        for (boolean nesterov : new boolean[] {false, true}) {
            double[] got = run(a, 1.5, mu, wd, lr, nesterov, 6);
            double w = 1.5, b = 0;
            for (int step = 0; step < got.length; step++) {
                double g = a * w + wd * w;
                b = mu * b + g;
                w = nesterov ? w - lr * (g + mu * b) : w - lr * b;
                assertThat(got[step]).as("nesterov %s step %d", nesterov, step).isCloseTo(w, within(1e-5));
            }
        }
    }
}
