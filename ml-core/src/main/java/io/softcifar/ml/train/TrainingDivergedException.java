package io.softcifar.ml.train;

/**
 * The training loss stopped being a finite number (NaN or infinite): the run cannot recover, so it stops instead of
 * training on. The checkpoints written before the epoch in question stay where they are.
 */
public final class TrainingDivergedException extends IllegalStateException {

    private final int epoch;

    public TrainingDivergedException(String message, int epoch) {
        super(message);
        this.epoch = epoch;
    }

    /** The 1-based epoch whose mean training loss was not finite. */
    public int epoch() {
        return epoch;
    }
}
