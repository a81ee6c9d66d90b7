package io.softcifar.ml.train;

import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SyntheticData;
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
}
