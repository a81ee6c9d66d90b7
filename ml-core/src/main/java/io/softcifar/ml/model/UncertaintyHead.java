package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import java.util.Map;

/**
 * What an uncertainty method adds to the shared {@link ResNet} backbone: its output layers, its training loss and
 * per-step/per-epoch hooks, and its predictive distribution. One implementation per method, each in the method's own
 * package, built by the {@link Method} catalogue; {@link CifarNet} delegates to it and never asks which method it
 * runs. A head is built for one network: it receives the backbone (and the manager holding the parameters) in its
 * {@link HeadContext}.
 *
 * <p>Checkpointed state: every parameter and buffer of the modules in {@link #layers()} (registered on the network
 * under those names, after the backbone, so the names are part of the checkpoint format).
 */
public interface UncertaintyHead {

    /**
     * The head's modules by child name, in registration order ({@code head} for the softmax layer, {@code gp} for
     * SNGP, {@code duq} for DUQ): their parameters and buffers are checkpointed as {@code <name>.<path>}.
     */
    Map<String, Module> layers();

    /** Raw output of one pass over images x: logits, or DUQ's kernel values. */
    NDArray forward(NDArray x, Mode mode);

    /**
     * The training loss of a batch (TRAIN mode), differentiable in the parameters; must run inside
     * {@link Autograd#enable()}. Default: soft cross-entropy of the logits.
     */
    default NDArray trainingLoss(NDArray x, NDArray targets) {
        return trainingPass(x, targets).loss();
    }

    /**
     * The training loss and the raw output of the same TRAIN-mode pass (the trainer counts training accuracy on
     * it, without a second pass). Default: soft cross-entropy of the logits.
     */
    default TrainingPass trainingPass(NDArray x, NDArray targets) {
        NDArray logits = forward(x, Mode.TRAIN);
        return new TrainingPass(Losses.softCrossEntropy(logits, targets), logits);
    }

    /**
     * One training forward pass.
     *
     * @param loss the differentiable training loss
     * @param output the pass's raw output (logits or DUQ's kernel values), B × classes
     */
    record TrainingPass(NDArray loss, NDArray output) {}

    /** After each optimizer step, with the step's (mixed) batch. Default: nothing. */
    default void afterOptimizerStep(NDArray x, NDArray targets) {}

    /** Start of every training epoch. Default: nothing. */
    default void startEpoch() {}

    /** End of every training epoch, before validation. Default: nothing. */
    default void endEpoch() {}

    /**
     * The predictive distribution of a batch in inference mode, differentiable in x when called under
     * {@link Autograd#enable()} (FGSM attacks the cross-entropy of {@link Prediction#predictiveLogits()}).
     *
     * @param mcSamples stochastic passes for methods that sample (ignored by deterministic ones)
     */
    Prediction predict(NDArray x, int mcSamples);

    /** Validation loss of a prediction. Default: cross-entropy of the predictive distribution. */
    default NDArray validationLoss(Prediction p, NDArray targets) {
        return Losses.crossEntropyOfProbabilities(p.probabilities(), targets);
    }
}
