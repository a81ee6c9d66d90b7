package io.softcifar.ml.train;

/**
 * What one epoch did (reported to listeners, kept in every checkpoint's history).
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean training loss over the epoch's batches (including DUQ's penalty)
 * @param trainAccuracy fraction of the epoch's training images whose prediction (argmax of the training-mode output
 *     of the step's own forward pass) equals the argmax of the target the loss saw (soft label, or the mixed target
 *     under Mixup/CutMix); see {@link TrainingAccuracy}. 0 in checkpoints written before it existed
 * @param valLoss validation loss of the predictive distribution against the run's targets
 * @param valAccuracy validation accuracy against hard labels, 0..1
 * @param learningRate rate at the epoch's last step
 * @param imagesPerSecond training images per second (training steps only, validation excluded)
 * @param seconds wall time of the epoch including validation and checkpointing
 * @param best whether this epoch improved the best validation loss
 */
public record EpochStats(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double valLoss,
        double valAccuracy,
        double learningRate,
        double imagesPerSecond,
        double seconds,
        boolean best) {}
