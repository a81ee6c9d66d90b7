package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Trainable-parameter counts against PROTOCOL.md's published ResNet-20 figure and a closed form derived here from
 * the architecture description (never from the code under test).
 */
class ParameterCountTest {

    private static final int CLASSES = 10;
    private static final int FEATURES = 64;

    /** Stem 3×3 conv (no bias) + BN, 3 stages of n basic blocks, 1×1 projection + BN where the shape changes. */
    static long backboneCount(int depth) {
        int n = (depth - 2) / 6;
        long count = 3 * 16 * 9 + 2 * 16; // stem conv + BN (γ, β)
        int in = 16;
        for (int width : new int[] {16, 32, 64}) {
            for (int b = 0; b < n; b++) {
                count += (long) in * width * 9 + 2L * width; // conv1 + bn1
                count += (long) width * width * 9 + 2L * width; // conv2 + bn2
                if (in != width) {
                    count += (long) in * width + 2L * width; // 1×1 projection + BN
                }
                in = width;
            }
        }
        return count;
    }

    static long softmaxCount(int depth) {
        return backboneCount(depth) + FEATURES * CLASSES + CLASSES;
    }

    private static long count(ModelConfig config) {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            return new CifarNet(m, config, 1).parameterCount();
        }
    }

    @Test
    void resNet20HasThePublishedCount() {
        assertThat(softmaxCount(20)).isEqualTo(272_474L);
        assertThat(count(ModelConfig.defaults(Method.BASIC))).isEqualTo(272_474L);
    }

    @Test
    void deeperResNetsMatchTheClosedForm() {
        for (int depth : new int[] {32, 44, 56, 110}) {
            long n = (depth - 2) / 6;
            // cross-check of the closed form itself: the published 272,474 plus 2 more 3×3 convs (+BN) per stage
            // for every extra block per stage
            long extra = (n - 3) * (2L * (16 * 16 * 9 + 32) + 2L * (32 * 32 * 9 + 64) + 2L * (64 * 64 * 9 + 128));
            assertThat(softmaxCount(depth)).as("closed form depth %d", depth).isEqualTo(272_474L + extra);
            assertThat(count(ModelConfig.defaults(Method.BASIC).withDepth(depth)))
                    .as("depth %d", depth)
                    .isEqualTo(softmaxCount(depth));
        }
        // the well-known ResNet-110 (projection shortcuts) size, ~1.73 M
        assertThat(softmaxCount(110)).isBetween(1_700_000L, 1_750_000L);
    }

    @Test
    void dropoutAddsNoParameters() {
        assertThat(count(ModelConfig.defaults(Method.DROPOUT).withDropoutRate(0.3)))
                .isEqualTo(272_474L);
    }

    @Test
    void sngpCountsOnlyBackboneAndBetaAsParameters() {
        ModelConfig config = ModelConfig.defaults(Method.SNGP);
        long expected = backboneCount(20) + 1024L * CLASSES; // β: 1024 × 10, no bias
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(m, config, 1);
            long actual = net.parameterCount();
            System.out.println("[ParameterCountTest] SNGP (ResNet-20, 1024 random features) trainable parameters: "
                    + actual + " (+ " + (1024L * FEATURES + 1024) + " fixed random-feature weights/biases as buffers)");
            assertThat(actual).isEqualTo(expected).isEqualTo(282_064L);
            Map<String, NDArray> buffers = net.namedBuffers();
            Map<String, NDArray> params = net.namedParameters();
            assertThat(buffers.get("gp.rff_weight").getShape()).isEqualTo(new Shape(1024, FEATURES));
            assertThat(buffers.get("gp.rff_bias").getShape()).isEqualTo(new Shape(1024));
            assertThat(buffers.get("gp.precision").getShape()).isEqualTo(new Shape(1024, 1024));
            assertThat(params).doesNotContainKeys("gp.rff_weight", "gp.rff_bias", "gp.precision", "gp.covariance");
            assertThat(params.get("gp.beta.weight").getShape()).isEqualTo(new Shape(CLASSES, 1024));
            assertThat(params).doesNotContainKey("gp.beta.bias");
            // the reference's "about 349k" is this count plus the random-feature matrix and bias (counted by
            // PyTorch's sum(p.numel()) when they are frozen nn.Parameters)
            assertThat(expected + 1024L * FEATURES + 1024).isEqualTo(348_624L);
        }
    }

    @Test
    void duqCountsBackboneAndTheClassWeights() {
        ModelConfig config = ModelConfig.defaults(Method.DUQ);
        long expected = backboneCount(20) + 1024L * CLASSES * FEATURES; // W: 1024 × 10 × 64
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(m, config, 1);
            long actual = net.parameterCount();
            System.out.println("[ParameterCountTest] DUQ (ResNet-20, embedding 1024) trainable parameters: " + actual);
            assertThat(actual).isEqualTo(expected).isEqualTo(927_184L); // the reference: "about 928k"
            assertThat(net.namedParameters()).doesNotContainKeys("duq.count", "duq.centroid_sum");
            assertThat(net.namedBuffers().get("duq.centroid_sum").getShape()).isEqualTo(new Shape(1024, CLASSES));
        }
    }

    @Test
    void convolutionsHaveNoBiasAndEveryBatchNormHasRunningStatistics() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(m, ModelConfig.defaults(Method.BASIC), 1);
            Map<String, NDArray> params = net.namedParameters();
            Map<String, NDArray> buffers = net.namedBuffers();
            long convs = params.keySet().stream()
                    .filter(k -> params.get(k).getShape().dimension() == 4)
                    .count();
            long gammas =
                    params.keySet().stream().filter(k -> k.endsWith(".gamma")).count();
            // 1 stem + 2·9 block convs + 2 projections
            assertThat(convs).isEqualTo(21);
            assertThat(gammas).isEqualTo(21);
            assertThat(buffers.keySet().stream()
                            .filter(k -> k.endsWith("running_mean"))
                            .count())
                    .isEqualTo(21);
            assertThat(params.keySet()).noneMatch(k -> k.contains("stem.bias") || k.matches(".*conv\\d\\.bias"));
            assertThat(params.get("backbone.stage2.block0.shortcut.weight").getShape())
                    .isEqualTo(new Shape(32, 16, 1, 1));
            assertThat(params.get("backbone.stage3.block0.conv1.weight").getShape())
                    .isEqualTo(new Shape(64, 32, 3, 3));
            assertThat(params.get("head.weight").getShape()).isEqualTo(new Shape(CLASSES, FEATURES));
        }
    }
}
