package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.CifarNet;
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
     * @return the loss of the step, detached (in {@code stepManager})
     */
    public NDArray run(NDManager stepManager, NDArray images, NDArray targets, BatchMixer mixer, double lr) {
        NDArray x = augment ? augmentation.augment(images)
                : augmentation.normalize(Augmentation.toUnitRange(images));
        BatchMixer.Mixed mixed = mixer.apply(x, targets);
        NDArray loss;
        try (Autograd ignored = Autograd.enable()) {
            loss = net.trainingLoss(mixed.images(), mixed.targets());
            Autograd.backward(loss);
        }
        optimizer.step(lr, stepManager);
        net.afterOptimizerStep(mixed.images(), mixed.targets());
        return loss.stopGradient();
    }
}
