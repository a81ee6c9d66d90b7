package io.softcifar.ml.train;

import io.softcifar.ml.data.ChannelStats;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;

/**
 * The host-side arrays a run trains on: train and validation images (uint8 NCHW), their targets in the run's label
 * mode (soft, or one-hot of the argmax), validation hard labels, and the normalization statistics of the train split.
 */
public record TrainingData(
        LabeledImages trainImages,
        float[] trainTargets,
        LabeledImages valImages,
        float[] valTargets,
        int[] valHardLabels,
        float[] mean,
        float[] std,
        int classes) {

    /**
     * Prepares a run's data from the dataset and its seeded split: applies the entropy threshold and the label mode
     * to the targets, the {@code limit} to the train indices, and computes mean/std on the (limited) train split.
     */
    public static TrainingData of(SoftLabelDataset dataset, Split split, TrainConfig config) {
        SoftLabelDataset targets =
                config.entropyThreshold() > 0 ? dataset.withEntropyThreshold(config.entropyThreshold()) : dataset;
        if (config.labels() == LabelMode.HARD) {
            targets = targets.withHardTargets();
        }
        int[] train = config.limit() > 0 ? split.limitTrain(config.limit()).train() : split.train();
        if (train.length < config.batchSize()) {
            throw InvalidDataException.forField(
                    "limit",
                    "the train split has " + train.length + " images, fewer than one batch of " + config.batchSize());
        }
        int[] val = split.val();
        if (val.length == 0) {
            throw InvalidDataException.forField("split", "the validation split is empty");
        }
        ChannelStats stats = ChannelStats.of(dataset.images(), train);
        int[] hard = dataset.hardLabels();
        int[] valHard = new int[val.length];
        for (int i = 0; i < val.length; i++) {
            valHard[i] = hard[val[i]];
        }
        return new TrainingData(
                dataset.images().subset(train),
                targets.softLabels().subset(train).toFloatArray(),
                dataset.images().subset(val),
                targets.softLabels().subset(val).toFloatArray(),
                valHard,
                stats.meanAsFloats(),
                stats.stdAsFloats(),
                dataset.numClasses());
    }

    public int trainSize() {
        return trainImages.count();
    }
}
