package io.softcifar.ml.train;

import java.nio.file.Path;
import java.util.List;

/**
 * Summary of a training run (the JSON that {@code ./softcifar train --json} prints).
 *
 * @param parameters trainable parameters of the model
 * @param epochsRun epochs completed, including ones done before a resume
 * @param bestEpoch 1-based epoch of the lowest validation loss
 * @param bestValLoss lowest validation loss
 * @param bestValAccuracy validation accuracy at that epoch
 * @param imagesPerSecond mean training throughput over the epochs run in this process
 * @param resumedFromEpoch epochs that were already done when this process started (0 = fresh run)
 * @param cancelled true if the run was stopped by its cancel signal before the last epoch
 * @param bestCheckpoint the best-validation-loss checkpoint
 * @param lastCheckpoint the latest epoch checkpoint (resume point)
 * @param history per-epoch statistics
 */
public record TrainResult(
        long parameters,
        int epochsRun,
        int bestEpoch,
        double bestValLoss,
        double bestValAccuracy,
        double imagesPerSecond,
        int resumedFromEpoch,
        boolean cancelled,
        Path bestCheckpoint,
        Path lastCheckpoint,
        List<EpochStats> history) {}
