package io.softcifar.ml.nn;

/**
 * How a forward pass behaves. BatchNorm and dropout are switched separately because MC Dropout needs
 * BatchNorm in inference mode while dropout stays on.
 *
 * @param training batch statistics in BatchNorm (and running-average updates), SNGP precision accumulation
 * @param dropout dropout masks applied
 */
public record Mode(boolean training, boolean dropout) {
    public static final Mode TRAIN = new Mode(true, true);
    public static final Mode EVAL = new Mode(false, false);
    /** MC Dropout prediction: BatchNorm uses running statistics, dropout stays on. */
    public static final Mode MC_DROPOUT = new Mode(false, true);
}
