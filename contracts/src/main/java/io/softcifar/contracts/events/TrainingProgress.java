package io.softcifar.contracts.events;

/**
 * One finished epoch of a run, for live dashboards (the deleting progress topic keeps a week of them).
 *
 * @param runId           the run
 * @param epoch           the epoch just finished, 1-based
 * @param epochs          epochs planned
 * @param trainLoss       mean training loss of the epoch
 * @param valLoss         validation loss after the epoch (the early-stopping criterion)
 * @param valAccuracy     validation accuracy after the epoch, fraction in [0, 1]
 * @param learningRate    learning rate used in the epoch
 * @param imagesPerSecond training throughput of the epoch
 * @param etaSeconds      estimated time to the last epoch
 */
public record TrainingProgress(String runId, int epoch, int epochs, double trainLoss, double valLoss,
        double valAccuracy, double learningRate, double imagesPerSecond, double etaSeconds) implements Event {
    public static final String TYPE = "training.progress";
}
