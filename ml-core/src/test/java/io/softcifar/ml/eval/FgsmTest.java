package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.train.EngineSetup;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FGSM on models whose gradient is known in closed form.
 *
 * <p>A two-class linear softmax model p = softmax(W x + b) has −∇ₓ ln p_y = (1 − p_y)(w_o − w_y), o the other class,
 * so the FGSM step is exactly ε·sign(w_o − w_y), and the logit margin d = (w_y − w_o)·x + b_y − b_o drops by exactly
 * ε·‖w_y − w_o‖₁ (no clipping): the point flips iff d &lt; ε·‖w_y − w_o‖₁.
 */
class FgsmTest {

    private static final int D = 12;
    private static NDManager manager;

    @BeforeAll
    static void start() {
        EngineSetup.engine();
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Weights 2×D drawn from a seeded generator, none of the differences w0 − w1 zero. */
    private static float[][] weights(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] w = new float[2][D];
        for (int j = 0; j < D; j++) {
            w[0][j] = (float) (rnd.nextDouble() * 2 - 1);
            do {
                w[1][j] = (float) (rnd.nextDouble() * 2 - 1);
            } while (Math.abs(w[1][j] - w[0][j]) < 1e-3);
        }
        return w;
    }

    private static Fgsm.LogitModel linear(float[][] w, float[] b) {
        float[] flat = new float[2 * D];
        for (int k = 0; k < 2; k++) {
            System.arraycopy(w[k], 0, flat, k * D, D);
        }
        NDArray wt = manager.create(flat, new Shape(2, D)).transpose();
        NDArray bias = manager.create(b, new Shape(1, 2));
        return x -> x.matMul(wt).add(bias);
    }

    private static NDArray oneHot(int[] labels, int classes) {
        long[] l = new long[labels.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels[i];
        }
        return manager.create(l).oneHot(classes).toType(DataType.FLOAT32, false);
    }

    private static float[] interiorPixels(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.2 + 0.6 * rnd.nextDouble());
        }
        return x;
    }

    @Test
    void linearModelStepIsEpsilonTimesSignOfWeightDifference() {
        float[][] w = weights(11);
        int n = 8;
        float[] x = interiorPixels(n, 3);
        int[] labels = {0, 1, 0, 1, 1, 0, 0, 1};
        float eps = 0.01f;
        NDArray adv = Fgsm.attack(
                manager.create(x, new Shape(n, D)), oneHot(labels, 2), linear(w, new float[] {0.1f, -0.2f}), eps);
        float[] got = adv.toFloatArray();
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            int o = 1 - y;
            for (int j = 0; j < D; j++) {
                float step = Math.signum(w[o][j] - w[y][j]) * eps;
                assertThat(got[i * D + j]).as("image %d pixel %d", i, j).isEqualTo(x[i * D + j] + step);
            }
        }
    }

    @Test
    void gradientSignIsSignOfWeightDifferenceAndAttackIsInPixelSpace() {
        // the model normalizes internally ((x − m) / s, s > 0): the pixel-space step keeps the sign of w_o − w_y
        float[][] w = weights(5);
        Fgsm.LogitModel inner = linear(w, new float[] {0f, 0f});
        Fgsm.LogitModel normalizing = px -> inner.logits(px.sub(0.45f).div(0.27f));
        int n = 4;
        float[] x = interiorPixels(n, 9);
        int[] labels = {1, 0, 1, 0};
        float[] sign = Fgsm.gradientSign(manager.create(x, new Shape(n, D)), oneHot(labels, 2), normalizing)
                .toFloatArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                assertThat(sign[i * D + j]).isEqualTo(Math.signum(w[1 - labels[i]][j] - w[labels[i]][j]));
            }
        }
    }

    @Test
    void flipsExactlyThePointsWhoseMarginIsBelowEpsilonTimesL1Distance() {
        float[][] w = weights(21);
        float[] b = {0.05f, -0.05f};
        int n = 200;
        float[] x = interiorPixels(n, 77);
        double l1 = 0;
        for (int j = 0; j < D; j++) {
            l1 += Math.abs(w[0][j] - w[1][j]);
        }
        double eps = 0.04;
        // label every point with its current prediction, so every point is "correct" and attacked
        int[] labels = new int[n];
        double[] margin = new double[n];
        for (int i = 0; i < n; i++) {
            double d = b[0] - b[1];
            for (int j = 0; j < D; j++) {
                d += (w[0][j] - w[1][j]) * x[i * D + j];
            }
            labels[i] = d >= 0 ? 0 : 1;
            margin[i] = Math.abs(d);
        }
        Fgsm.LogitModel model = linear(w, b);
        NDArray adv = Fgsm.attack(manager.create(x, new Shape(n, D)), oneHot(labels, 2), model, eps);
        long[] after = model.logits(adv).argMax(1).toLongArray();
        int checked = 0;
        int flips = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(margin[i] - eps * l1) < 1e-4) {
                continue; // too close to the boundary for float32
            }
            boolean expectFlip = margin[i] < eps * l1;
            assertThat(after[i] != labels[i])
                    .as("point %d, margin %f vs %f", i, margin[i], eps * l1)
                    .isEqualTo(expectFlip);
            checked++;
            flips += expectFlip ? 1 : 0;
        }
        assertThat(checked).isGreaterThan(190);
        assertThat(flips).as("the test must exercise both outcomes").isBetween(10, checked - 10);
    }

    @Test
    void epsilonZeroLeavesTheImagesUnchanged() {
        float[][] w = weights(2);
        float[] x = interiorPixels(3, 4);
        NDArray adv = Fgsm.attack(
                manager.create(x, new Shape(3, D)),
                oneHot(new int[] {0, 1, 0}, 2),
                linear(w, new float[] {0f, 0f}),
                0.0);
        assertThat(adv.toFloatArray()).containsExactly(x);
    }

    @Test
    void clipsToTheUnitInterval() {
        // one pixel, logits (0, x): for label 0 the step is +ε, for label 1 it is −ε
        NDArray wt = manager.create(new float[] {0f, 1f}, new Shape(1, 2));
        Fgsm.LogitModel model = x -> x.matMul(wt);
        NDArray adv = Fgsm.attack(
                manager.create(new float[] {0.995f, 0.5f}, new Shape(2, 1)), oneHot(new int[] {0, 1}, 2), model, 0.01);
        // label 0 moves up (clipped at 1), label 1 moves down by ε
        assertThat(adv.toFloatArray()).containsExactly(1.0f, 0.5f - 0.01f);
        NDArray low = Fgsm.attack(
                manager.create(new float[] {0.004f}, new Shape(1, 1)), oneHot(new int[] {1}, 2), model, 0.01);
        assertThat(low.toFloatArray()).containsExactly(0f);
    }

    @Test
    void pixelsWithZeroGradientDoNotMove() {
        // the model ignores the second pixel: sign(0) = 0 leaves it where it is
        NDArray wt = manager.create(new float[] {1f, -1f, 0f, 0f}, new Shape(2, 2));
        Fgsm.LogitModel model = x -> x.matMul(wt);
        NDArray adv = Fgsm.attack(
                manager.create(new float[] {0.5f, 0.3f}, new Shape(1, 2)), oneHot(new int[] {0}, 2), model, 0.1);
        // −∇ ln p_0 ∝ (w_1 − w_0) = (−2, 0) → step (−0.1, 0)
        assertThat(adv.toFloatArray()).containsExactly(0.4f, 0.3f);
    }

    /** −ln softmax(z)_y = ln(1 + Σ_{j≠y} exp(z_j − z_y)) in double, for logits z = W x + b (W: C × n). */
    private static double crossEntropyInDouble(double[][] w, double[] b, double[] x, int y) {
        double[] z = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            z[k] = b[k];
            for (int j = 0; j < x.length; j++) {
                z[k] += w[k][j] * x[j];
            }
        }
        double rest = 0;
        for (int k = 0; k < w.length; k++) {
            if (k != y) {
                rest += Math.exp(z[k] - z[y]);
            }
        }
        return Math.log1p(rest);
    }

    @Test
    void gradientAtAPointWhoseProbabilityRoundsToOneIsNonZeroAndMatchesFiniteDifferences() {
        // three classes, true class 0 with a logit margin of about 25: p_0 = 1 − O(1e-11) is 1.0f in float32
        double[][] w = {{0.8, -0.5, 0.3, 0.6}, {-0.4, 0.9, 0.2, -0.7}, {0.1, -0.3, -0.6, 0.5}};
        double[] b = {25, 0, 1};
        double[] x = {0.3, 0.6, 0.45, 0.2};
        float[] flat = new float[12];
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 4; j++) {
                flat[k * 4 + j] = (float) w[k][j];
            }
        }
        NDArray wt = manager.create(flat, new Shape(3, 4)).transpose();
        NDArray bias = manager.create(new float[] {25f, 0f, 1f}, new Shape(1, 3));
        Fgsm.LogitModel model = px -> px.matMul(wt).add(bias);
        NDArray pixels = manager.create(new float[] {0.3f, 0.6f, 0.45f, 0.2f}, new Shape(1, 4));
        assertThat(model.logits(pixels).softmax(1).getFloat(0, 0))
                .as("p_y in float32")
                .isEqualTo(1.0f);

        float[] gradient =
                Fgsm.lossGradient(pixels, oneHot(new int[] {0}, 3), model).toFloatArray();
        double h = 1e-3;
        double largest = 0;
        double[] expected = new double[4];
        for (int j = 0; j < 4; j++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[j] += h;
            down[j] -= h;
            expected[j] = (crossEntropyInDouble(w, b, up, 0) - crossEntropyInDouble(w, b, down, 0)) / (2 * h);
            largest = Math.max(largest, Math.abs(expected[j]));
        }
        assertThat(largest).as("the true gradient is tiny but not zero").isBetween(1e-13, 1e-9);
        for (int j = 0; j < 4; j++) {
            assertThat((double) gradient[j]).as("∂L/∂x_%d", j).isCloseTo(expected[j], within(1e-4 * largest));
            assertThat((double) Math.signum(gradient[j])).isEqualTo(Math.signum(expected[j]));
        }
        // control: the log-softmax route (−ln softmax(z)_y through PyTorch's log_softmax backward) loses the true
        // class's share, p_y − 1 = 0 in float32, so its gradient is Σ_{j≠y} p_j w_j instead of Σ_{j≠y} p_j (w_j − w_y)
        float[] naive = naiveLogSoftmaxGradient(pixels, model);
        double worst = 0;
        for (int j = 0; j < 4; j++) {
            worst = Math.max(worst, Math.abs(naive[j] - expected[j]));
        }
        System.out.println("log-softmax route: " + java.util.Arrays.toString(naive) + " vs finite differences "
                + java.util.Arrays.toString(expected));
        assertThat(worst).as("the log-softmax route is off").isGreaterThan(0.1 * largest);
    }

    private static float[] naiveLogSoftmaxGradient(NDArray pixels, Fgsm.LogitModel model) {
        NDArray leaf = pixels.duplicate();
        leaf.setRequiresGradient(true);
        try (Autograd ignored = Autograd.enable()) {
            Autograd.backward(model.logits(leaf).logSoftmax(1).get(":, 0").sum().neg());
        }
        return Autograd.gradient(leaf).toFloatArray();
    }

    @Test
    void crossEntropyValueMatchesItsDefinitionForCorrectAndWrongPredictions() {
        // logits (2, 0, −1) and (−30, 40, 0): −ln softmax at the labels 0 and 0 (the second badly wrong)
        NDArray logits = manager.create(new float[] {2f, 0f, -1f, -30f, 40f, 0f}, new Shape(2, 3));
        double first = Math.log(Math.exp(2) + Math.exp(0) + Math.exp(-1)) - 2;
        double second = 40 + Math.log1p(Math.exp(-70) + Math.exp(-40)) + 30;
        assertThat((double) Fgsm.crossEntropy(logits, oneHot(new int[] {0, 0}, 3))
                        .getFloat())
                .isCloseTo(first + second, within(1e-4));
    }

    @Test
    void rejectsLogitsOfTheWrongShape() {
        Fgsm.LogitModel wrong = x -> x.sum(new int[] {1}, true);
        assertThatThrownBy(() -> Fgsm.gradientSign(
                        manager.create(new float[] {0.5f, 0.5f}, new Shape(1, 2)), oneHot(new int[] {0}, 2), wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape");
    }
}
