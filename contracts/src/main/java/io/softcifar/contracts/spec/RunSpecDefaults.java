package io.softcifar.contracts.spec;

/** The protocol's defaults (PROTOCOL.md, "Training") filled into the null fields of a {@link RunSpec}. */
final class RunSpecDefaults {

    private RunSpecDefaults() {}

    static RunSpec apply(RunSpec s) {
        return new RunSpec(
                s.datasetId(),
                or(s.seed(), RunSpec.DEFAULT_SEED),
                s.method(),
                s.labelMode(),
                or(s.mixing(), RunSpec.MIXING_NONE),
                or(s.mixAlpha(), RunSpec.DEFAULT_MIX_ALPHA),
                Boolean.TRUE.equals(s.mixProbabilityFromEntropy())
                        ? s.mixProbability()
                        : or(s.mixProbability(), RunSpec.DEFAULT_MIX_PROBABILITY),
                or(s.mixProbabilityFromEntropy(), Boolean.FALSE),
                or(s.dropoutRate(), RunSpec.METHOD_DROPOUT.equals(s.method()) ? RunSpec.DEFAULT_DROPOUT_RATE : 0.0),
                or(s.depth(), RunSpec.DEFAULT_DEPTH),
                or(s.epochs(), RunSpec.DEFAULT_EPOCHS),
                or(s.batchSize(), RunSpec.DEFAULT_BATCH_SIZE),
                or(s.learningRate(), RunSpec.DEFAULT_LEARNING_RATE),
                or(s.momentum(), RunSpec.DEFAULT_MOMENTUM),
                or(s.nesterov(), Boolean.FALSE),
                or(s.weightDecay(), RunSpec.DEFAULT_WEIGHT_DECAY),
                or(s.warmupEpochs(), RunSpec.DEFAULT_WARMUP_EPOCHS),
                or(s.milestones(), RunSpec.DEFAULT_MILESTONES),
                or(s.gamma(), RunSpec.DEFAULT_GAMMA),
                s.entropyThreshold(),
                or(s.augment(), Boolean.TRUE),
                or(s.checkpointEvery(), RunSpec.DEFAULT_CHECKPOINT_EVERY),
                or(s.device(), RunSpec.DEVICE_AUTO),
                s.precision()); // null = fp32, kept null (see RunSpec)
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
