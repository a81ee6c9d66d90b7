package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Mode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Training accuracy: the definition on hand-made batches, and the trainer's figure against a recount. */
class TrainingAccuracyTest {

    @TempDir
    Path dir;

    @Test
    void countsAgreementOfTheOutputsArgmaxWithTheTargetsArgmax() {
        float[] output = {
            2, 1, 0, // predicts 0
            0, 1, 3, // predicts 2
            5, 0, 0, // predicts 0
            0, 0, 1, // predicts 2
            0.1f, 0.9f, 0.2f
        }; // predicts 1
        float[] targets = {
            0.6f, 0.4f, 0, // soft, argmax 0: correct
            0.2f, 0.5f, 0.3f, // soft, argmax 1: wrong
            0.3f, 0, 0.7f, // a Mixup pair with λ = 0.3 of class 0 and 0.7 of class 2: the larger share is 2, wrong
            0, 0.35f, 0.65f, // CutMix with 65 % of the area kept: class 2, correct
            0, 1, 0
        }; // one-hot 1: correct
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray correct =
                    TrainingAccuracy.correct(m.create(output, new Shape(5, 3)), m.create(targets, new Shape(5, 3)));

            assertThat(correct.getShape()).isEqualTo(new Shape(1));
            assertThat(correct.getFloat(0)).isEqualTo(3f);
        }
    }

    /**
     * One epoch of one batch (the whole train split), no augmentation, no mixing: the step's forward pass runs with
     * the initial weights, so the accuracy can be recounted from a network initialized the same way, its TRAIN-mode
     * output on images normalized here by hand, and the argmax of each soft target, counted in a loop.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Method.class,
            names = {"BASIC", "DUQ"})
    void theEpochsTrainingAccuracyIsTheShareOfCorrectPredictionsOfItsForwardPass(Method method) {
        SoftLabelDataset ds = TrainTestData.dataset(80);
        TrainConfig config = TrainTestData.tiny(method, LabelMode.SOFT, 1).withAugment(false);
        TrainingData data = TrainTestData.prepare(ds, config);
        int n = data.trainSize();
        config = config.withBatchSize(n);

        TrainResult result = Trainer.train(config, data, Trainer.Options.defaults(dir.resolve(method.name())), null);

        int correct = recount(config, data);
        assertThat(correct)
                .as("a network that gets some right, so a zero cannot pass")
                .isPositive();
        assertThat(result.history().get(0).trainAccuracy()).isEqualTo(correct / (double) n);
    }

    private static int recount(TrainConfig config, TrainingData data) {
        int n = data.trainSize();
        int classes = data.classes();
        LabeledImages images = data.trainImages();
        float[] normalized = new float[n * 3 * 32 * 32];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < 32; r++) {
                    for (int col = 0; col < 32; col++) {
                        normalized[LabeledImages.offset(i, c, r, col)] =
                                (images.pixel(i, c, r, col) / 255f - data.mean()[c]) / data.std()[c];
                    }
                }
            }
        }
        float[] output;
        EngineSetup.engine();
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            EngineSetup.seed(config.seed());
            CifarNet net = new CifarNet(m, config.model(), config.seed());
            NDArray x = m.create(normalized, new Shape(n, 3, 32, 32));
            float[][] holder = new float[1][];
            Autograd.noGrad(() -> holder[0] = net.forward(x, Mode.TRAIN).toFloatArray());
            output = holder[0];
        }
        float[] targets = data.trainTargets();
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (argmax(output, i, classes) == argmax(targets, i, classes)) {
                correct++;
            }
        }
        return correct;
    }

    private static int argmax(float[] rows, int row, int width) {
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (rows[row * width + k] > rows[row * width + best]) {
                best = k;
            }
        }
        return best;
    }
}
