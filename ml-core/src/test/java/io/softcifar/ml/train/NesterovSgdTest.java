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
     * Loss L(w) = ½·a·w² on a scalar, so ∇ = a·w. PyTorch's SGD(nesterov=True, dampening=0) by hand:
     * g = a·w + wd·w; b = μ·b + g; w = w − lr·(g + μ·b).
     */
    @Test
    void matchesPyTorchNesterovFormulaStepByStep() {
        EngineSetup.engine();
        double a = 3.0, wd = 0.1, mu = 0.9, lr = 0.05;
        double w = 1.5, b = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray param = m.create(new float[] {(float) w});
            param.setRequiresGradient(true);
            NesterovSgd sgd = new NesterovSgd(Map.of("w", param), m, mu, wd);
            for (int step = 0; step < 4; step++) {
                try (NDManager sm = m.newSubManager()) {
                    try (Autograd g = Autograd.enable()) {
                        NDArray loss = param.square().mul((float) (a / 2)).sum();
                        Autograd.backward(loss);
                    }
                    sgd.step(lr, sm);
                }
                double g = a * w + wd * w;
                b = mu * b + g;
                w = w - lr * (g + mu * b);
                assertThat((double) param.getFloat(0)).as("step %d", step).isCloseTo(w, within(1e-5));
            }
        }
    }
}
