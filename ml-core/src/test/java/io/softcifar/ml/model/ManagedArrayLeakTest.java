package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.train.NesterovSgd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everything a step creates must die with the step's manager: the model's long-lived manager holds the same number
 * of arrays after every step. (DJL attaches a result to the manager of its first operand, so an expression such as
 * {@code buffer.expandDims(1)} on a model buffer silently lands in the model's manager and piles up.)
 */
class ManagedArrayLeakTest {

    private static void step(CifarNet net, NesterovSgd optimizer, NDManager root) {
        try (NDManager step = root.newSubManager()) {
            NDArray x = step.randomNormal(0f, 1f, new Shape(4, 3, 8, 8), DataType.FLOAT32);
            NDArray y = step.randomInteger(0, 10, new Shape(4), DataType.INT64)
                    .oneHot(10)
                    .toType(DataType.FLOAT32, false);
            try (Autograd g = Autograd.enable()) {
                Autograd.backward(net.trainingLoss(x, y));
            }
            optimizer.step(0.05, step);
            net.afterOptimizerStep(x, y);
            Autograd.noGrad(() -> {
                net.validationLoss(net.predict(x), y);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void trainingAndPredictionDoNotAccumulateArraysInTheModelManager(Method method) {
        Engine.getInstance().setRandomSeed(6);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root,
                    ModelConfig.defaults(method)
                            .withDepth(8)
                            .withGpFeatures(32)
                            .withDuqEmbedding(8)
                            .withMcSamples(2)
                            .withImageSize(8),
                    6);
            NesterovSgd optimizer = new NesterovSgd(net.namedParameters(), root, 0.9, 5e-4);
            net.startEpoch();
            step(net, optimizer, root); // first step: lazily created state may appear once
            net.endEpoch();
            net.startEpoch();
            int after1 = root.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                step(net, optimizer, root);
            }
            net.endEpoch();
            net.startEpoch();
            assertThat(root.getManagedArrays().size())
                    .as("arrays in the model manager, %s", method)
                    .isEqualTo(after1);
        }
    }

    /**
     * An MC Dropout prediction frees each pass's activations when the pass ends: what it leaves in the caller's
     * manager does not grow with S beyond one logits array per extra pass (held until the caller's manager closed, the
     * S passes of a validation batch of 500 took ~15 GB). With and without gradient recording (FGSM attacks through
     * the S passes, and its gradient must still arrive).
     */
    @org.junit.jupiter.api.Test
    void anMcDropoutPredictionKeepsOnlyEachPasssLogits() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root, ModelConfig.defaults(Method.DROPOUT).withDepth(8).withImageSize(8), 7);
            for (boolean gradient : new boolean[] {false, true}) {
                int one = arraysLeftByPrediction(net, root, 1, gradient);
                int eight = arraysLeftByPrediction(net, root, 8, gradient);
                assertThat(eight - one).as("gradient %s", gradient).isEqualTo(7);
            }
        }
    }

    /** Arrays a prediction of S passes leaves in its input's manager (with gradient: after a backward to the input). */
    private static int arraysLeftByPrediction(CifarNet net, NDManager root, int passes, boolean gradient) {
        try (NDManager caller = root.newSubManager()) {
            NDArray x = caller.randomNormal(0f, 1f, new Shape(4, 3, 8, 8), DataType.FLOAT32);
            int before = caller.getManagedArrays().size();
            if (gradient) {
                x.setRequiresGradient(true);
                try (Autograd g = Autograd.enable()) {
                    Autograd.backward(net.predict(x, passes).predictiveLogits().sum());
                }
                assertThat(Autograd.gradient(x).abs().sum().getFloat())
                        .as("the input's gradient through %d passes", passes)
                        .isPositive();
            } else {
                Autograd.noGrad(() -> net.predict(x, passes));
            }
            return caller.getManagedArrays().size() - before;
        }
    }
}
