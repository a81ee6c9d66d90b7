package io.softcifar.contracts.events;

/**
 * A run completed (all epochs, or stopped early); the terminal record of the run on the training-state topic. The
 * evaluator evaluates {@code bestCheckpointKey}.
 *
 * @param runId             the run
 * @param bestEpoch         epoch of the lowest validation loss
 * @param bestValLoss       that loss
 * @param bestValAccuracy   validation accuracy at that epoch, fraction in [0, 1]
 * @param epochsRun         epochs actually trained
 * @param trainSeconds      wall time of training, excluding queueing
 * @param bestCheckpointKey object key of the best checkpoint
 */
public record TrainingFinished(String runId, int bestEpoch, double bestValLoss, double bestValAccuracy, int epochsRun,
        double trainSeconds, String bestCheckpointKey) implements Event {
    public static final String TYPE = "training.finished";
}
