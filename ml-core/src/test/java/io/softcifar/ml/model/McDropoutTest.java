package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.dropout.DropoutHead;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.train.NesterovSgd;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MC Dropout (PROTOCOL.md): dropout stays on at test time, BatchNorm stays in inference mode; a basic model's
 * prediction is deterministic.
 */
class McDropoutTest {

    private static final Shape X_SHAPE = new Shape(6, 3, 16, 16);

    private static Map<String, double[]> runningStatistics(CifarNet net) {
        Map<String, double[]> out = new LinkedHashMap<>();
        net.namedBuffers().forEach((name, value) -> {
            if (name.endsWith("running_mean") || name.endsWith("running_var")) {
                out.put(name, LinAlg.doubles(value));
            }
        });
        return out;
    }

    /** Two training steps so that the running statistics are no longer at their initial 0 / 1. */
    private static void train(CifarNet net, NDManager root) {
        NesterovSgd optimizer = new NesterovSgd(net.namedParameters(), root, 0.9, 5e-4);
        for (int s = 0; s < 2; s++) {
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.randomNormal(0f, 1f, X_SHAPE, DataType.FLOAT32);
                NDArray y = step.randomInteger(0, 10, new Shape(6), DataType.INT64)
                        .oneHot(10)
                        .toType(DataType.FLOAT32, false);
                try (Autograd g = Autograd.enable()) {
                    Autograd.backward(net.trainingLoss(x, y));
                }
                optimizer.step(0.05, step);
                net.afterOptimizerStep(x, y);
            }
        }
    }

    @Test
    void dropoutPredictionsAreStochasticAndLeaveBatchNormStatisticsAlone() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root, ModelConfig.defaults(Method.DROPOUT).withDepth(8).withDropoutRate(0.3), 3);
            train(net, root);
            Map<String, double[]> before = runningStatistics(net);
            assertThat(before).hasSize(2 * 9); // 9 BatchNorms at depth 8 (stem, 3 × 2 in blocks, 2 shortcuts)
            assertThat(before.get("backbone.stem_bn.running_mean"))
                    .as("trained statistics")
                    .isNotEqualTo(new double[16]);
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.randomNormal(0f, 1f, X_SHAPE, DataType.FLOAT32);
                double[] p1 = LinAlg.doubles(net.predict(x).probabilities());
                double[] p2 = LinAlg.doubles(net.predict(x).probabilities());
                assertThat(p1).hasSize(60);
                assertThat(p1).isNotEqualTo(p2);
                double maxDiff = 0;
                for (int i = 0; i < p1.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(p1[i] - p2[i]));
                }
                assertThat(maxDiff).as("two MC estimates differ visibly").isGreaterThan(1e-4);
                for (int i = 0; i < 6; i++) {
                    double sum = 0;
                    for (int k = 0; k < 10; k++) {
                        sum += p1[i * 10 + k];
                    }
                    assertThat(sum).isCloseTo(1.0, within(1e-5));
                }
                // MC_DROPOUT forwards are stochastic, EVAL forwards are not
                assertThat(LinAlg.doubles(net.forward(x, Mode.MC_DROPOUT)))
                        .isNotEqualTo(LinAlg.doubles(net.forward(x, Mode.MC_DROPOUT)));
                assertThat(LinAlg.doubles(net.forward(x, Mode.EVAL)))
                        .isEqualTo(LinAlg.doubles(net.forward(x, Mode.EVAL)));
            }
            Map<String, double[]> after = runningStatistics(net);
            for (String name : before.keySet()) {
                assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
            }
        }
    }

    @Test
    void dropoutPredictionAveragesProbabilitiesOverTheConfiguredSamples() {
        // with a fixed seed, predict(x, S) equals the mean of the softmax of S MC_DROPOUT passes drawn in the same
        // order; the expectation is computed here from the individual passes
        Engine.getInstance().setRandomSeed(4);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root, ModelConfig.defaults(Method.DROPOUT).withDepth(8).withDropoutRate(0.3), 4);
            train(net, root);
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.randomNormal(0f, 1f, X_SHAPE, DataType.FLOAT32);
                int samples = 4;
                Engine.getInstance().setRandomSeed(99);
                Prediction prediction = net.predict(x, samples);
                double[] predicted = LinAlg.doubles(prediction.probabilities());
                double[] logMean = LinAlg.doubles(prediction.predictiveLogits());
                double[] reference = LinAlg.doubles(prediction.referenceProbabilities());
                Engine.getInstance().setRandomSeed(99);
                double[] expected = new double[60];
                double[] meanLogits = new double[60];
                for (int s = 0; s < samples; s++) {
                    double[] logits = LinAlg.doubles(net.forward(x, Mode.MC_DROPOUT));
                    for (int i = 0; i < 60; i++) {
                        meanLogits[i] += logits[i] / samples;
                    }
                    for (int i = 0; i < 6; i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < 10; k++) {
                            max = Math.max(max, logits[i * 10 + k]);
                        }
                        double z = 0;
                        for (int k = 0; k < 10; k++) {
                            z += Math.exp(logits[i * 10 + k] - max);
                        }
                        for (int k = 0; k < 10; k++) {
                            expected[i * 10 + k] += Math.exp(logits[i * 10 + k] - max) / z / samples;
                        }
                    }
                }
                for (int i = 0; i < 60; i++) {
                    assertThat(predicted[i]).isCloseTo(expected[i], within(1e-6));
                    // FGSM's logits: ln of the averaged probability
                    assertThat(logMean[i]).isCloseTo(Math.log(expected[i]), within(1e-5));
                }
                // the reference's variant from the same passes: softmax of the mean logits
                for (int i = 0; i < 6; i++) {
                    double z = 0;
                    for (int k = 0; k < 10; k++) {
                        z += Math.exp(meanLogits[i * 10 + k]);
                    }
                    for (int k = 0; k < 10; k++) {
                        assertThat(reference[i * 10 + k]).isCloseTo(Math.exp(meanLogits[i * 10 + k]) / z, within(1e-6));
                    }
                }
            }
        }
    }

    @Test
    void basicPredictionIsDeterministicAndPerSample() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(root, ModelConfig.defaults(Method.BASIC).withDepth(8), 5);
            train(net, root);
            Map<String, double[]> before = runningStatistics(net);
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.randomNormal(0f, 1f, X_SHAPE, DataType.FLOAT32);
                double[] p1 = LinAlg.doubles(net.predict(x).probabilities());
                double[] p2 = LinAlg.doubles(net.predict(x).probabilities());
                assertThat(p1).isEqualTo(p2);
                // inference-mode BatchNorm: a sample's prediction does not depend on the rest of the batch
                double[] single = LinAlg.doubles(net.predict(x.get("2:3")).probabilities());
                for (int k = 0; k < 10; k++) {
                    assertThat(single[k]).isCloseTo(p1[20 + k], within(1e-6));
                }
            }
            Map<String, double[]> after = runningStatistics(net);
            for (String name : before.keySet()) {
                assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
            }
        }
    }

    @Test
    void probabilityAverageAndLogitAverageDifferOnAHandComputedCase() {
        // two passes with logits (2, 0) and (0, 0) for one image of two classes:
        // mean of softmaxes = ((e²/(e²+1) + 1/2) / 2, ...) = (0.690399, 0.309601);
        // softmax of the mean logits (1, 0) = (e/(e+1), 1/(e+1)) = (0.731059, 0.268941)
        double e2 = Math.exp(2);
        double first = (e2 / (e2 + 1) + 0.5) / 2;
        assertThat(first).isCloseTo(0.690399, within(1e-6));
        assertThat(Math.E / (Math.E + 1)).isCloseTo(0.731059, within(1e-6));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray passes = m.create(new float[] {2f, 0f, 0f, 0f}, new Shape(2, 1, 2)); // S × B × C
            Prediction p = DropoutHead.averagePasses(java.util.List.of(passes.get(0), passes.get(1)));
            assertThat(LinAlg.doubles(p.probabilities()))
                    .containsExactly(new double[] {first, 1 - first}, within(1e-6));
            assertThat(LinAlg.doubles(p.referenceProbabilities()))
                    .containsExactly(new double[] {Math.E / (Math.E + 1), 1 / (Math.E + 1)}, within(1e-6));
            assertThat(LinAlg.doubles(p.logits())).containsExactly(new double[] {1, 0}, within(1e-6));
            assertThat(LinAlg.doubles(p.predictiveLogits()))
                    .containsExactly(new double[] {Math.log(first), Math.log(1 - first)}, within(1e-6));
        }
    }
}
