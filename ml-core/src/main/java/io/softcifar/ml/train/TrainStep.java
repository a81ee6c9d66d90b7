package io.softcifar.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.UncertaintyHead;
import io.softcifar.ml.nn.Autograd;
import java.util.List;

/**
 * One optimization step on a batch: augmentation (or plain normalization), mixing, forward, backward, Nesterov
 * update and the method's post-step hook. Shared by {@link Trainer} and the training benchmark so that the benchmark
 * measures exactly the code that trains.
 */
public final class TrainStep {

    /**
     * The phases of a step whose wall time is accumulated ({@link #phaseNanos()}), in order. On a CPU every
     * operation is synchronous, so these are where the time goes; on a GPU they are only the time to launch.
     */
    public static final List<String> PHASES =
            List.of("input", "forward", "backward", "accuracy", "optimizer", "afterStep");

    private final long[] phaseNanos = new long[PHASES.size()];

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
        long t0 = System.nanoTime();
        NDArray x = augment ? augmentation.augment(images) : augmentation.normalize(Augmentation.toUnitRange(images));
        BatchMixer.Mixed mixed = mixer.apply(x, targets);
        long t1 = System.nanoTime();
        UncertaintyHead.TrainingPass pass;
        long t2;
        try (Autograd ignored = Autograd.enable()) {
            pass = net.trainingPass(mixed.images(), mixed.targets());
            t2 = System.nanoTime();
            Autograd.backward(pass.loss());
        }
        long t3 = System.nanoTime();
        NDArray correct = TrainingAccuracy.correct(pass.output(), mixed.targets());
        long t4 = System.nanoTime();
        optimizer.step(lr, stepManager);
        long t5 = System.nanoTime();
        net.afterOptimizerStep(mixed.images(), mixed.targets());
        long t6 = System.nanoTime();
        long[] marks = {t0, t1, t2, t3, t4, t5, t6};
        for (int i = 0; i < phaseNanos.length; i++) {
            phaseNanos[i] += marks[i + 1] - marks[i];
        }
        return new Outcome(pass.loss().stopGradient(), correct);
    }

    /** Nanoseconds spent in each of {@link #PHASES} since construction or the last {@link #resetPhases()}. */
    public long[] phaseNanos() {
        return phaseNanos.clone();
    }

    /** Starts the phase clocks again (e.g. after warm-up). */
    public void resetPhases() {
        java.util.Arrays.fill(phaseNanos, 0L);
    }

    /**
     * What a step reports.
     *
     * @param loss the step's loss
     * @param correct how many of the batch's images the pass predicted as the argmax of their (mixed) target
     */
    public record Outcome(NDArray loss, NDArray correct) {}
}
