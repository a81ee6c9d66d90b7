package io.softcifar.ml.train;

/** Progress of a training run; all methods run on the training thread and default to doing nothing. */
public interface TrainingListener {

    /** After each training step. */
    default void onStep(int epoch, int step, int stepsPerEpoch) {}

    /** After each epoch (after validation and checkpointing). */
    default void onEpoch(EpochStats stats, int totalEpochs) {}

    /**
     * After each epoch: the number of native arrays alive in the run's manager tree (model, optimizer, data,
     * per-epoch state). Constant from epoch to epoch when nothing leaks.
     */
    default void onLiveArrays(int epoch, int liveArrays) {}

    TrainingListener NONE = new TrainingListener() {};
}
