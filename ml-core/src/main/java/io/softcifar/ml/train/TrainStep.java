package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.UncertaintyHead;
import io.softcifar.ml.nn.Autograd;

/**
 * One optimization step on a batch: augmentation (or plain normalization), mixing, forward, backward, Nesterov
 * update and the method's post-step hook. Shared by {@link Trainer} and the training benchmark so that the benchmark
 * measures exactly the code that trains.
 */
public final class TrainStep {

    private final CifarNet net;
    private final NesterovSgd optimizer;
    private final Augmentation augmentation;
    private final boolean augment;

    public TrainStep(CifarNet net, NesterovSgd optimizer, Augmentation augmentation, boolean augment) {
        this.net = net;
        this.optimizer = optimizer;
        this.augmentation = augmentation;
        this.augment = augment;
    }

    /**
     * Runs the step; every temporary lives in {@code stepManager} (the images and targets must be in it too).
     *
     * @param images uint8 N×3×32×32 batch
     * @param targets float N×C targets
     * @return the loss of the step and its count of correct training predictions ({@link TrainingAccuracy}), both
     *     detached 1-element arrays in {@code stepManager}
     */
    public Outcome run(NDManager stepManager, NDArray images, NDArray targets, BatchMixer mixer, double lr) {
        NDArray x = augment ? augmentation.augment(images) : augmentation.normalize(Augmentation.toUnitRange(images));
        BatchMixer.Mixed mixed = mixer.apply(x, targets);
        UncertaintyHead.TrainingPass pass;
        try (Autograd ignored = Autograd.enable()) {
            pass = net.trainingPass(mixed.images(), mixed.targets());
            Autograd.backward(pass.loss());
        }
        NDArray correct = TrainingAccuracy.correct(pass.output(), mixed.targets());
        optimizer.step(lr, stepManager);
        net.afterOptimizerStep(mixed.images(), mixed.targets());
        return new Outcome(pass.loss().stopGradient(), correct);
    }

    /**
     * What a step reports.
     *
     * @param loss the step's loss
     * @param correct how many of the batch's images the pass predicted as the argmax of their (mixed) target
     */
    public record Outcome(NDArray loss, NDArray correct) {}
}
