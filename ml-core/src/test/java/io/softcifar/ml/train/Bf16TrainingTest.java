package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.Precision;
import io.softcifar.ml.nn.Bf16Convolution;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bf16 mode trains every method (DUQ's double backward included) on any CPU — with AVX-512 BF16 or not: one epoch
 * of a depth-8 ResNet on 256 images, from the same seed in fp32 and in bf16. The weights stay float32; the bf16 run's
 * weight updates differ from the fp32 run's (the mode took effect) yet point the same way: their difference is small
 * against the updates themselves. Measured on the AMD EPYC VM (2026-12-05): 0.028 basic, 0.026 dropout, 0.010 SNGP,
 * 0.0025 DUQ of the update's norm; the bound is 0.1, and above 1e-5 (an fp32 kernel gives 0: same seed, same ops).
 * With the activations in bf16 too (2026-12-05): 0.029 / 0.028 / 0.010 / 0.0026. ml-core's pom runs this test again
 * with oneDNN capped at AVX2 (no bf16 kernels: the path of a CPU without AVX-512 BF16): 0.030 / 0.028 / 0.011 / 0.0026.
 */
class Bf16TrainingTest {

    private static final int IMAGES = 256;
    private static final int BATCH = 32;

    private record Trained(Map<String, float[]> after, Map<String, float[]> before, Map<String, DataType> types) {}

    private static Trained epoch(Method method, Precision precision) {
        EngineSetup.engine();
        EngineSetup.seed(5);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(root, ModelConfig.defaults(method).withDepth(8), 5);
            if (precision == Precision.BF16) {
                net.computeConvolutionsIn(Precision.BF16, new Bf16Convolution(root));
            }
            Map<String, float[]> before = snapshot(net.namedParameters());
            NesterovSgd optimizer = new NesterovSgd(net.namedParameters(), root, 0.9, 5e-4, false);
            float[] losses = TrainTestData.randomEpoch(root, net, optimizer, false, IMAGES, BATCH, 0.05);
            for (float loss : losses) {
                assertThat(loss).as("%s %s loss", method, precision).isFinite();
            }
            Map<String, DataType> types = new LinkedHashMap<>();
            net.namedParameters().forEach((k, v) -> types.put(k, v.getDataType()));
            return new Trained(snapshot(net.namedParameters()), before, types);
        }
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, a.toFloatArray()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void oneEpochInBf16MovesTheFp32WeightsAsFp32Does(Method method) {
        Trained fp32 = epoch(method, Precision.FP32);
        Trained bf16 = epoch(method, Precision.BF16);
        assertThat(bf16.types().values()).as("master weights").containsOnly(DataType.FLOAT32);
        double update = 0, difference = 0, start = 0;
        for (String name : fp32.after().keySet()) {
            float[] b0 = bf16.before().get(name), f0 = fp32.before().get(name);
            float[] b1 = bf16.after().get(name), f1 = fp32.after().get(name);
            for (int i = 0; i < f0.length; i++) {
                start += Math.abs((double) b0[i] - f0[i]);
                double du = (double) f1[i] - f0[i];
                double db = (double) b1[i] - b0[i];
                assertThat(Double.isFinite(db)).isTrue();
                update += du * du;
                difference += (db - du) * (db - du);
            }
        }
        assertThat(start).as("same initial weights").isZero();
        assertThat(update).as("the fp32 epoch moved the weights").isPositive();
        double relative = Math.sqrt(difference / update);
        System.out.printf("%s: |bf16 update - fp32 update| / |fp32 update| = %.4f%n", method, relative);
        assertThat(relative).as("bf16 took effect").isGreaterThan(1e-5);
        assertThat(relative).as("bf16 updates go where fp32's go").isLessThan(0.1);
    }
}
