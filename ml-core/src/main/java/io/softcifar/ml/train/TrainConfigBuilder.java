package io.softcifar.ml.train;

import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.Precision;
import java.util.List;

/**
 * A mutable copy of a {@link TrainConfig}'s fields, so each {@code TrainConfig.with*} changes one field without
 * repeating the other sixteen: {@code new TrainConfigBuilder(config)}, assign, {@link #build()} (which validates
 * through the record's constructor).
 */
final class TrainConfigBuilder {
    ModelConfig model;
    LabelMode labels;
    Mixing mixing;
    double entropyThreshold;
    boolean augment;
    int epochs;
    int batchSize;
    double learningRate;
    double momentum;
    boolean nesterov;
    double weightDecay;
    int warmupEpochs;
    List<Integer> milestones;
    double gamma;
    long seed;
    int limit;
    Precision precision;

    TrainConfigBuilder() {}

    TrainConfigBuilder(TrainConfig c) {
        model = c.model();
        labels = c.labels();
        mixing = c.mixing();
        entropyThreshold = c.entropyThreshold();
        augment = c.augment();
        epochs = c.epochs();
        batchSize = c.batchSize();
        learningRate = c.learningRate();
        momentum = c.momentum();
        nesterov = c.nesterov();
        weightDecay = c.weightDecay();
        warmupEpochs = c.warmupEpochs();
        milestones = c.milestones();
        gamma = c.gamma();
        seed = c.seed();
        limit = c.limit();
        precision = c.precision();
    }

    TrainConfig build() {
        return new TrainConfig(
                model,
                labels,
                mixing,
                entropyThreshold,
                augment,
                epochs,
                batchSize,
                learningRate,
                momentum,
                nesterov,
                weightDecay,
                warmupEpochs,
                milestones,
                gamma,
                seed,
                limit,
                precision);
    }
}
