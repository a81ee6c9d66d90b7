package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.softcifar.ml.model.LinAlg;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The double-backprop plumbing DUQ relies on, on a function whose derivatives are known in closed form. */
class AutogradTest {

    @Test
    void gradientOfAGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] xs = {0.5, -1.25, 2.0, 0.1};
            NDArray x = m.create(xs, new Shape(4));
            x.setRequiresGradient(true);
            NDArray w = m.create(new double[] {1.5, -0.5, 0.25, 2.0}, new Shape(4));
            w.setRequiresGradient(true);
            try (Autograd g = Autograd.enable()) {
                // f = Σ wᵢ xᵢ³  →  ∂f/∂x = 3 w x²;  q = Σ (∂f/∂xᵢ)² = 9 Σ w² x⁴
                NDArray f = w.mul(x.pow(3)).sum();
                Autograd.backwardCreateGraph(f);
                NDArray gx = Autograd.gradient(x);
                double[] gxs = LinAlg.doubles(gx);
                for (int i = 0; i < 4; i++) {
                    assertThat(gxs[i]).isCloseTo(3 * w.getDouble(i) * xs[i] * xs[i], within(1e-12));
                }
                // the first backward also accumulated ∂f/∂w = x³ into w; clear it before the second one
                Autograd.zeroGradients(List.of(w));
                NDArray q = gx.square().sum();
                Autograd.backward(q);
            }
            double[] ws = LinAlg.doubles(w);
            double[] dw = LinAlg.doubles(w.getGradient());
            double[] dx = LinAlg.doubles(x.getGradient());
            for (int i = 0; i < 4; i++) {
                // ∂q/∂w = 18 w x⁴ (second-order path only, the zeroed x³ must not remain)
                assertThat(dw[i]).isCloseTo(18 * ws[i] * Math.pow(xs[i], 4), within(1e-9));
                // x.grad accumulates: 3 w x² from the first backward + ∂q/∂x = 36 w² x³
                assertThat(dx[i])
                        .isCloseTo(3 * ws[i] * xs[i] * xs[i] + 36 * ws[i] * ws[i] * Math.pow(xs[i], 3), within(1e-9));
            }
        }
    }

    @Test
    void gradModeIsRestored() {
        boolean initial = JniUtils.isGradMode();
        try (Autograd outer = Autograd.enable()) {
            assertThat(JniUtils.isGradMode()).isTrue();
            Autograd.noGrad(() -> assertThat(JniUtils.isGradMode()).isFalse());
            assertThat(JniUtils.isGradMode()).isTrue();
        }
        assertThat(JniUtils.isGradMode()).isEqualTo(initial);
        Autograd.noGrad(() -> {
            try (Autograd inner = Autograd.enable()) {
                assertThat(JniUtils.isGradMode()).isTrue();
            }
            assertThat(JniUtils.isGradMode()).isFalse();
        });
    }
}
