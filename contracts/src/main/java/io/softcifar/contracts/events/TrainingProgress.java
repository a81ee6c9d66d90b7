package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;

/**
 * One finished epoch of a run, for live dashboards (the deleting progress topic keeps a week of them).
 *
 * @param runId           the run
 * @param epoch           the epoch just finished, 1-based
 * @param epochs          epochs planned
 * @param trainLoss       mean training loss of the epoch
 * @param trainAccuracy   training accuracy of the epoch, fraction in [0, 1] (argmax of the training pass's output
 *                        against argmax of the (mixed) target, docs/science.md); since schema version 2, absent
 *                        (null) in version-1 events
 * @param valLoss         validation loss after the epoch (the early-stopping criterion)
 * @param valAccuracy     validation accuracy after the epoch, fraction in [0, 1]
 * @param learningRate    learning rate used in the epoch
 * @param imagesPerSecond training throughput of the epoch
 * @param etaSeconds      estimated time to the last epoch
 * @param fencingToken the publishing lease's fencing token ({@link Fenced}); absent in older events
 */
public record TrainingProgress(
        String runId,
        int epoch,
        int epochs,
        double trainLoss,
        @Nullable Double trainAccuracy,
        double valLoss,
        double valAccuracy,
        double learningRate,
        double imagesPerSecond,
        double etaSeconds,
        @Nullable Long fencingToken)
        implements Event, RunEvent, Fenced {
    public static final String TYPE = "training.progress";
    /** Version 2 added {@code trainAccuracy}. */
    public static final int SCHEMA_VERSION = 2;

    @Override
    public TrainingProgress withFencingToken(long token) {
        return new TrainingProgress(
                runId,
                epoch,
                epochs,
                trainLoss,
                trainAccuracy,
                valLoss,
                valAccuracy,
                learningRate,
                imagesPerSecond,
                etaSeconds,
                token);
    }
}
