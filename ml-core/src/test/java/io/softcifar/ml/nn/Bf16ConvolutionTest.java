package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.LinAlg;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bf16 convolution against its definition, computed here in double: round x and w to bfloat16 (round to nearest
 * even, 8 significant bits), sum the products, round the sum to bfloat16. The kernel accumulates in float32, so a
 * result may differ from the definition by one bf16 step where the float32 sum sits next to a rounding boundary; and
 * it must differ from the float32 convolution (the test would pass against an fp32 kernel otherwise). The result is
 * bfloat16, read through the module's cast to float32. Each check runs with the kernel the mode picks on this machine
 * ("auto": native at each geometry where {@link Bf16Convolution#probe} finds it correct) and with the emulated kernel
 * explicitly, at geometries of the network (3 → 16 at the stem, 16 → 16, 16 → 32 with stride 2): on AMD Zen 5, libtorch 2.5.1 gets some bf16
 * convolutions wrong, and even float32 ones with 4 output channels, so the expected values here are computed in
 * double, never by another libtorch kernel.
 */
class Bf16ConvolutionTest {

    /** The kernel the mode picks here (null), or the one named. */
    private static Bf16Convolution open(NDManager m, String kernel) {
        return "auto".equals(kernel)
                ? new Bf16Convolution(m)
                : new Bf16Convolution(m, Bf16Convolution.Kernel.valueOf(kernel));
    }

    @ParameterizedTest
    @CsvSource({
        "3,1,3,16,auto",
        "3,1,16,16,auto",
        "3,2,16,32,auto",
        "1,2,16,32,auto",
        "3,1,3,16,EMULATED",
        "3,2,16,32,EMULATED",
        "1,2,16,32,EMULATED"
    })
    void forwardIsTheConvolutionOfTheBf16RoundedInputsRoundedToBf16(
            int kernel, int stride, int c, int o, String which) {
        try (NDManager m = NDManager.newBaseManager();
                Bf16Convolution conv = open(m, which)) {
            Measured r = measure(m, conv, c, o, kernel, stride, 6, 1);
            int out = (6 + 2 * (kernel / 2) - kernel) / stride + 1;
            assertThat(r.shape()).isEqualTo(new Shape(2, o, out, out));
            // DJL 0.33 maps libtorch's bfloat16 to no data type of its own ("unknown"); all that can be said here is
            // that the result is not float32 - that it is bf16 is what the values below show
            assertThat(r.rawType()).isNotEqualTo(DataType.FLOAT32);
            assertThat(r.readType()).isEqualTo(DataType.FLOAT32);
            int differFromFp32 = 0;
            for (int i = 0; i < r.y().length; i++) {
                double expected = bf16((float) r.ey()[i]);
                double actual = r.y()[i];
                double step = Math.ulp((float) expected) * 65536; // one bf16 step at that magnitude
                assertThat(Math.abs(actual - expected)).as("y[%d]", i).isLessThanOrEqualTo(step);
                assertThat(bf16((float) actual)).as("a bf16 value").isEqualTo(actual);
                if (actual != (float) r.efp()[i]) {
                    differFromFp32++;
                }
            }
            assertThat(differFromFp32)
                    .as("results that an fp32 kernel would have given differently")
                    .isPositive();
        }
    }

    /**
     * The next layer's input is the previous convolution's bf16 result, used as it is: the same as giving it the
     * float32 copy of that result (bf16 → fp32 is exact, and the convolution rounds fp32 inputs to bf16 itself).
     */
    @Test
    void aBf16InputIsTakenAsItIs() {
        try (NDManager m = NDManager.newBaseManager();
                Bf16Convolution conv = new Bf16Convolution(m)) {
            // the network's stem (3 → 16) and a stage's first convolution (16 → 32, stride 2)
            NDArray x = m.create(floats(random(2 * 3 * 6 * 6, 6)), new Shape(2, 3, 6, 6));
            NDArray w1 = m.create(floats(random(16 * 3 * 9, 7)), new Shape(16, 3, 3, 3));
            NDArray w2 = m.create(floats(random(32 * 16 * 9, 8)), new Shape(32, 16, 3, 3));
            NDArray h = conv.apply(x, w1, 1, 1);
            double[] chained = LinAlg.doubles(conv.toFloat32(conv.apply(h, w2, 2, 1)));
            double[] viaFp32 = LinAlg.doubles(conv.toFloat32(conv.apply(conv.toFloat32(h), w2, 2, 1)));
            assertThat(chained).containsExactly(viaFp32);
            assertThat(chained).hasSize(2 * 32 * 3 * 3);
        }
    }

    /**
     * dL/dx and dL/dw of L = Σ y·g reach the fp32 input and weights and equal their definition on the bf16-rounded
     * operands, dL/dx = Σ g·bf16(w) and dL/dw = Σ g·bf16(x) (computed here in double), within bf16 precision (the
     * kernel rounds the gradients to bfloat16: relative error per value ≤ 2^-8 ≈ 0.4 %, of the whole less), and not
     * exactly (it is a bf16 computation).
     */
    @ParameterizedTest
    @CsvSource({"3,1,3,16,auto", "3,2,16,32,auto", "1,2,16,32,auto", "3,1,3,16,EMULATED", "3,2,16,32,EMULATED"})
    void gradientsReachTheFp32WeightsAndInputsAndEqualTheirDefinitionWithinBf16Precision(
            int kernel, int stride, int c, int o, String which) {
        try (NDManager m = NDManager.newBaseManager();
                Bf16Convolution conv = open(m, which)) {
            Measured r = measure(m, conv, c, o, kernel, stride, 6, 3);
            assertThat(relative(r.dx(), r.edx())).as("dL/dx").isBetween(1e-7, 1e-2);
            assertThat(relative(r.dw(), r.edw())).as("dL/dw").isBetween(1e-7, 1e-2);
        }
    }

    /**
     * The probe's verdict on the native kernel matches an independent check of it, geometry by geometry: the native
     * kernel's result and gradients at every convolution geometry of the ResNet against their definitions in double
     * (bf16-rounded operands). The mode uses the native kernel exactly where that check finds it right (on AMD Zen 5
     * with libtorch 2.5.1: everywhere but the 3-channel stem), the emulated one elsewhere.
     */
    @Test
    void theModeUsesTheNativeKernelExactlyWhereItIsCorrect() {
        try (NDManager m = NDManager.newBaseManager();
                Bf16Convolution nat = new Bf16Convolution(m, Bf16Convolution.Kernel.NATIVE);
                Bf16Convolution auto = new Bf16Convolution(m)) {
            Bf16Convolution.Probe probe = Bf16Convolution.probe();
            System.out.println("probe: " + probe);
            for (Bf16Convolution.Geometry g : Bf16Convolution.RESNET_GEOMETRIES) {
                double worst = worstAgainstDefinition(m, nat, g.in(), g.out(), g.kernel(), g.stride());
                boolean right = worst <= 0.02;
                System.out.printf(
                        "native bf16 kernel at %s: worst relative error %.3g against the definition%n", g, worst);
                assertThat(probe.wrong().contains(g))
                        .as("probe verdict on %s (%.3g)", g, worst)
                        .isEqualTo(!right);
                assertThat(auto.kernelFor(g))
                        .as("kernel for %s", g)
                        .isEqualTo(right ? Bf16Convolution.Kernel.NATIVE : Bf16Convolution.Kernel.EMULATED);
            }
            assertThat(auto.kernelFor(new Bf16Convolution.Geometry(3, 4, 3, 1)))
                    .as("a geometry the probe did not check")
                    .isEqualTo(Bf16Convolution.Kernel.EMULATED);
        }
    }

    /** Largest relative L2 error of y, dL/dx, dL/dw (L = Σ y·g) of {@code conv} against the definition in double. */
    private static double worstAgainstDefinition(
            NDManager m, Bf16Convolution conv, int c, int o, int kernel, int stride) {
        Measured r = measure(m, conv, c, o, kernel, stride, 8, 11);
        return Math.max(relative(r.y(), r.ey()), Math.max(relative(r.dx(), r.edx()), relative(r.dw(), r.edw())));
    }

    /**
     * The kernel's result (its shape and type, and its type read through the cast), y, dL/dx, dL/dw (L = Σ y·g), and
     * their definitions on the bf16-rounded operands in double, and {@code efp}: y's sums of the float32 operands.
     */
    private record Measured(
            Shape shape,
            DataType rawType,
            DataType readType,
            double[] y,
            double[] dx,
            double[] dw,
            double[] ey,
            double[] efp,
            double[] edx,
            double[] edw) {}

    /** {@link Measured} for x (2, c, size, size), w (o, c, k, k), g drawn from seeds seed, seed + 1, seed + 2. */
    private static Measured measure(
            NDManager m, Bf16Convolution conv, int c, int o, int kernel, int stride, int size, long seed) {
        int n = 2, pad = kernel / 2, out = (size + 2 * pad - kernel) / stride + 1;
        double[] xs = random(n * c * size * size, seed), ws = random(o * c * kernel * kernel, seed + 1);
        double[] gs = random(n * o * out * out, seed + 2);
        NDArray x = m.create(floats(xs), new Shape(n, c, size, size));
        NDArray w = m.create(floats(ws), new Shape(o, c, kernel, kernel));
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        double[] y;
        NDArray raw;
        NDArray result;
        try (Autograd g = Autograd.enable()) {
            raw = conv.apply(x, w, stride, pad);
            result = conv.toFloat32(raw);
            y = LinAlg.doubles(result);
            Autograd.backward(
                    result.mul(m.create(floats(gs), result.getShape())).sum());
        }
        double[] dx = LinAlg.doubles(x.getGradient()), dw = LinAlg.doubles(w.getGradient());
        double[] ey = new double[y.length], efp = new double[y.length];
        double[] edx = new double[dx.length], edw = new double[dw.length];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < o; k++) {
                for (int i = 0; i < out; i++) {
                    for (int j = 0; j < out; j++) {
                        int yi = ((b * o + k) * out + i) * out + j;
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < kernel; u++) {
                                for (int v = 0; v < kernel; v++) {
                                    int r = i * stride + u - pad, q = j * stride + v - pad;
                                    if (r < 0 || q < 0 || r >= size || q >= size) {
                                        continue;
                                    }
                                    int xi = ((b * c + ch) * size + r) * size + q;
                                    int wi = ((k * c + ch) * kernel + u) * kernel + v;
                                    ey[yi] += bf16((float) xs[xi]) * bf16((float) ws[wi]);
                                    efp[yi] += (float) xs[xi] * (float) ws[wi];
                                    edx[xi] += (float) gs[yi] * bf16((float) ws[wi]);
                                    edw[wi] += (float) gs[yi] * bf16((float) xs[xi]);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Measured(raw.getShape(), raw.getDataType(), result.getDataType(), y, dx, dw, ey, efp, edx, edw);
    }

    /** |a − b| / |b| (L2); NaN counts as infinitely wrong. */
    private static double relative(double[] a, double[] b) {
        double diff = 0, norm = 0;
        for (int i = 0; i < b.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        double r = Math.sqrt(diff / norm);
        return Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
    }

    /** float → bfloat16 → float, round to nearest even (finite values). */
    static double bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    private static double[] random(int count, long seed) {
        Random r = new Random(seed);
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
