package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;

/** Small synthetic runs for the fast test tier. */
final class TrainTestData {

    private TrainTestData() {}

    static SoftLabelDataset dataset(int n) {
        return SyntheticData.dataset(n, 7L);
    }

    /** depth-8 model, batch 32, no warm-up, small heads, a few epochs. */
    static TrainConfig tiny(Method method, LabelMode labels, int epochs) {
        ModelConfig model = ModelConfig.defaults(method)
                .withDepth(8)
                .withGpFeatures(64)
                .withDuqEmbedding(16)
                .withMcSamples(2);
        return TrainConfig.protocol(method, labels)
                .withModel(model)
                .withEpochs(epochs)
                .withBatchSize(32)
                .withWarmupEpochs(1)
                .withSeed(3);
    }

    static TrainingData prepare(SoftLabelDataset ds, TrainConfig config) {
        Split split = Splits.seeded(ds.size(), config.seed());
        return TrainingData.of(ds, split, config);
    }

    /**
     * One epoch of {@code net} with a fresh {@link TrainStep} (the project's channel statistics, no mixing) over
     * {@code count} random uint8 images with random soft labels drawn from PyTorch's generator, in batches of
     * {@code batch} at learning rate {@code lr}; returns each step's loss.
     */
    static float[] randomEpoch(
            NDManager root, CifarNet net, NesterovSgd optimizer, boolean augment, int count, int batch, double lr) {
        Augmentation augmentation =
                new Augmentation(root, new float[] {0.49f, 0.48f, 0.45f}, new float[] {0.25f, 0.24f, 0.26f});
        TrainStep step = new TrainStep(net, optimizer, augmentation, augment);
        BatchMixer mixer =
                new BatchMixer(Mixing.NONE, org.apache.commons.rng.simple.RandomSource.SPLIT_MIX_64.create(0L));
        NDArray images = root.randomInteger(0, 256, new Shape(count, 3, 32, 32), DataType.INT32)
                .toType(DataType.UINT8, false);
        NDArray targets = root.randomUniform(0f, 1f, new Shape(count, 10));
        targets = targets.div(targets.sum(new int[] {1}, true)); // soft labels
        float[] losses = new float[(count + batch - 1) / batch];
        net.startEpoch();
        for (int from = 0, i = 0; from < count; from += batch, i++) {
            try (NDManager sm = root.newSubManager()) {
                NDArray x = images.get(from + ":" + Math.min(count, from + batch));
                x.attach(sm);
                NDArray y = targets.get(from + ":" + Math.min(count, from + batch));
                y.attach(sm);
                losses[i] = step.run(sm, x, y, mixer, lr).loss().getFloat();
            }
        }
        net.endEpoch();
        return losses;
    }
}
