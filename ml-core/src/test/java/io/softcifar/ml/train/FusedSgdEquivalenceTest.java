package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fused optimizer update (one TorchScript call a step) against the reference written with DJL operations per
 * tensor: one epoch of ResNet-20 on 512 images (8 steps of 64, on-device augmentation, weight decay, momentum) from
 * the same seed, for every method; afterwards every parameter and every momentum buffer must agree within a relative
 * 1e-4 (issue 18's bar; the two run the same kernels in the same order, so they are expected to agree exactly).
 */
class FusedSgdEquivalenceTest {

    private static final int IMAGES = 512;
    private static final int BATCH = 64;

    /** Parameters (by name) and momentum buffers (prefixed "momentum.") after one epoch, and the initial weights. */
    private record Trained(Map<String, float[]> after, Map<String, float[]> before) {}

    private static Trained epoch(Method method, boolean nesterov, NesterovSgd.Kernel kernel) {
        EngineSetup.engine();
        EngineSetup.seed(3);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(root, ModelConfig.defaults(method), 3);
            Map<String, float[]> before = snapshot(net.namedParameters(), "");
            NesterovSgd optimizer = new NesterovSgd(net.namedParameters(), root, 0.9, 5e-4, nesterov, kernel);
            assertThat(optimizer.kernel()).isEqualTo(kernel);
            TrainTestData.randomEpoch(root, net, optimizer, true, IMAGES, BATCH, 0.1);
            Map<String, float[]> after = snapshot(net.namedParameters(), "");
            after.putAll(snapshot(optimizer.state(), "momentum."));
            return new Trained(after, before);
        }
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> arrays, String prefix) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(prefix + name, a.toFloatArray()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void oneEpochOfTheFusedUpdateEqualsThePerTensorReference(Method method) {
        boolean nesterov = method == Method.BASIC; // Nesterov once, plain momentum (the protocol's) everywhere else
        Trained fused = epoch(method, nesterov, NesterovSgd.Kernel.FUSED);
        Trained reference = epoch(method, nesterov, NesterovSgd.Kernel.PER_TENSOR);

        assertThat(fused.after().keySet()).isEqualTo(reference.after().keySet());
        assertThat(fused.after()).hasSize(2 * fused.before().size());
        double worst = 0;
        for (Map.Entry<String, float[]> e : reference.after().entrySet()) {
            float[] want = e.getValue();
            float[] got = fused.after().get(e.getKey());
            assertThat(got).as(e.getKey()).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                double diff = Math.abs((double) got[i] - want[i]);
                double scale = Math.max(Math.abs(want[i]), 1e-6);
                worst = Math.max(worst, diff / scale);
                assertThat(diff)
                        .as("%s %s[%d]: fused %s, reference %s", method, e.getKey(), i, got[i], want[i])
                        .isLessThanOrEqualTo(1e-4 * scale);
            }
        }
        // a guard against two paths that both do nothing: the weights moved, by value
        int moved = 0;
        for (Map.Entry<String, float[]> e : fused.before().entrySet()) {
            float[] start = e.getValue();
            float[] end = fused.after().get(e.getKey());
            for (int i = 0; i < start.length; i++) {
                if (Math.abs(end[i] - start[i]) > 1e-6) {
                    moved++;
                }
            }
        }
        long total = fused.before().values().stream().mapToLong(a -> a.length).sum();
        assertThat(moved).as("%s: weights that moved in the epoch", method).isGreaterThan((int) (total / 2));
        System.out.printf(
                "%s: %d tensors, worst relative difference %.3g%n",
                method, fused.after().size(), worst);
    }
}
