package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Training accuracy, counted on the output of each step's own training-mode forward pass (no extra pass): an image
 * counts as correct when the argmax of the network's output (logits, or DUQ's kernel values) equals the argmax of
 * the target the loss was given. With hard labels that is the label; with soft labels it is the hard label (argmax
 * of the soft label, as in evaluation); under Mixup/CutMix it is the class with the larger share of the mixed target
 * (λ ≥ ½: the image's own label, else its partner's). Ties in the target go to the lowest class index, as argmax.
 * Dropout and augmentation are on and the weights move during the epoch, so it is a running figure, not the
 * accuracy of the epoch's final weights (docs/science.md).
 */
public final class TrainingAccuracy {

    private TrainingAccuracy() {}

    /**
     * How many rows of a batch are correct, as a detached float scalar array in the output's manager (summed on the
     * device so the epoch loop does not synchronize per step).
     *
     * @param output B×C network output of the training pass
     * @param targets B×C targets the loss saw
     */
    public static NDArray correct(NDArray output, NDArray targets) {
        NDArray predicted = output.stopGradient().argMax(1);
        NDArray wanted = targets.argMax(1);
        return predicted.eq(wanted).toType(DataType.FLOAT32, false).sum().reshape(1);
    }
}
