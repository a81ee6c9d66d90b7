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
 * bfloat16, read through the module's cast to float32.
 */
class Bf16ConvolutionTest {

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "1,1", "1,2"})
    void forwardIsTheConvolutionOfTheBf16RoundedInputsRoundedToBf16(int kernel, int stride) {
        int n = 2, c = 3, o = 4, size = 6, pad = kernel / 2;
        double[] xs = random(n * c * size * size, 1);
        double[] ws = random(o * c * kernel * kernel, 2);
        try (NDManager m = NDManager.newBaseManager();
                Bf16Convolution conv = new Bf16Convolution(m)) {
            NDArray x = m.create(floats(xs), new Shape(n, c, size, size));
            NDArray w = m.create(floats(ws), new Shape(o, c, kernel, kernel));
            NDArray y = conv.apply(x, w, stride, pad);
            int out = (size + 2 * pad - kernel) / stride + 1;
            assertThat(y.getShape()).isEqualTo(new Shape(n, o, out, out));
            // DJL 0.33 maps libtorch's bfloat16 to no data type of its own ("unknown"); all that can be said here is
            // that the result is not float32 - that it is bf16 is what the values below show
            assertThat(y.getDataType()).isNotEqualTo(DataType.FLOAT32);
            NDArray read = conv.toFloat32(y);
            assertThat(read.getDataType()).isEqualTo(DataType.FLOAT32);
            double[] got = LinAlg.doubles(read);
            int differFromFp32 = 0;
            for (int b = 0; b < n; b++) {
                for (int k = 0; k < o; k++) {
                    for (int i = 0; i < out; i++) {
                        for (int j = 0; j < out; j++) {
                            double bf = 0, fp = 0;
                            for (int ch = 0; ch < c; ch++) {
                                for (int u = 0; u < kernel; u++) {
                                    for (int v = 0; v < kernel; v++) {
                                        int r = i * stride + u - pad, q = j * stride + v - pad;
                                        if (r < 0 || q < 0 || r >= size || q >= size) {
                                            continue;
                                        }
                                        double xv = xs[((b * c + ch) * size + r) * size + q];
                                        double wv = ws[((k * c + ch) * kernel + u) * kernel + v];
                                        bf += bf16((float) xv) * bf16((float) wv);
                                        fp += (float) xv * (float) wv;
                                    }
                                }
                            }
                            double expected = bf16((float) bf);
                            double actual = got[((b * o + k) * out + i) * out + j];
                            double step = Math.ulp((float) expected) * 65536; // one bf16 step at that magnitude
                            assertThat(Math.abs(actual - expected))
                                    .as("y[%d,%d,%d,%d]", b, k, i, j)
                                    .isLessThanOrEqualTo(step);
                            assertThat(bf16((float) actual)).as("a bf16 value").isEqualTo(actual);
                            if (actual != (float) fp) {
                                differFromFp32++;
                            }
                        }
                    }
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
            NDArray x = m.create(floats(random(2 * 3 * 6 * 6, 6)), new Shape(2, 3, 6, 6));
            NDArray w1 = m.create(floats(random(4 * 3 * 9, 7)), new Shape(4, 3, 3, 3));
            NDArray w2 = m.create(floats(random(5 * 4 * 9, 8)), new Shape(5, 4, 3, 3));
            NDArray h = conv.apply(x, w1, 1, 1);
            double[] chained = LinAlg.doubles(conv.toFloat32(conv.apply(h, w2, 2, 1)));
            double[] viaFp32 = LinAlg.doubles(conv.toFloat32(conv.apply(conv.toFloat32(h), w2, 2, 1)));
            assertThat(chained).containsExactly(viaFp32);
            assertThat(chained).hasSize(2 * 5 * 3 * 3);
        }
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2"})
    void gradientsReachTheFp32WeightsAndInputsAndAgreeWithFp32WithinBf16Precision(int kernel, int stride) {
        int n = 2, c = 3, o = 4, size = 6, pad = kernel / 2;
        try (NDManager m = NDManager.newBaseManager();
                Bf16Convolution conv = new Bf16Convolution(m)) {
            double[][] bf16Grads = grads(m, kernel, stride, pad, n, c, o, size, conv);
            double[][] fp32Grads = grads(m, kernel, stride, pad, n, c, o, size, null);
            for (int t = 0; t < 2; t++) {
                double norm = 0, diff = 0;
                for (int i = 0; i < fp32Grads[t].length; i++) {
                    norm += fp32Grads[t][i] * fp32Grads[t][i];
                    diff += Math.pow(bf16Grads[t][i] - fp32Grads[t][i], 2);
                }
                // bf16 keeps 8 significant bits: relative error per value ≤ 2^-8 ≈ 0.4 %; of the whole, less
                assertThat(Math.sqrt(diff / norm))
                        .as(t == 0 ? "dL/dx" : "dL/dw")
                        .isBetween(1e-7, 1e-2);
            }
        }
    }

    /** dL/dx and dL/dw of L = Σ y·g for a fixed g; {@code conv} null: the fp32 convolution of DJL. */
    private static double[][] grads(
            NDManager m, int kernel, int stride, int pad, int n, int c, int o, int size, Bf16Convolution conv) {
        NDArray x = m.create(floats(random(n * c * size * size, 3)), new Shape(n, c, size, size));
        NDArray w = m.create(floats(random(o * c * kernel * kernel, 4)), new Shape(o, c, kernel, kernel));
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        try (Autograd g = Autograd.enable()) {
            NDArray y = conv != null
                    ? conv.toFloat32(conv.apply(x, w, stride, pad))
                    : x.getNDArrayInternal()
                            .convolution(x, w, null, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
                            .singletonOrThrow();
            NDArray weights = m.create(floats(random((int) y.size(), 5)), y.getShape());
            Autograd.backward(y.mul(weights).sum());
        }
        return new double[][] {LinAlg.doubles(x.getGradient()), LinAlg.doubles(w.getGradient())};
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
