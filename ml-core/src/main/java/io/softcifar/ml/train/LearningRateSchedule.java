package io.softcifar.ml.train;

import java.util.List;

/**
 * Linear warm-up over the first {@code warmupEpochs} (per step, from base/steps-of-warm-up up to base), then the base
 * rate multiplied by γ at every milestone epoch already reached: lr(e) = base · γ^|{m ≤ e}|.
 */
public final class LearningRateSchedule {

    private final double base;
    private final int warmupEpochs;
    private final List<Integer> milestones;
    private final double gamma;
    private final int stepsPerEpoch;

    public LearningRateSchedule(
            double base, int warmupEpochs, List<Integer> milestones, double gamma, int stepsPerEpoch) {
        this.base = base;
        this.warmupEpochs = warmupEpochs;
        this.milestones = milestones;
        this.gamma = gamma;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    public static LearningRateSchedule of(TrainConfig config, int stepsPerEpoch) {
        return new LearningRateSchedule(
                config.learningRate(), config.warmupEpochs(), config.milestones(), config.gamma(), stepsPerEpoch);
    }

    /** The rate for step {@code step} (0-based) of epoch {@code epoch} (0-based). */
    public double rate(int epoch, int step) {
        double lr = base;
        for (int m : milestones) {
            if (epoch >= m) {
                lr *= gamma;
            }
        }
        if (epoch < warmupEpochs) {
            long done = (long) epoch * stepsPerEpoch + step + 1;
            lr *= Math.min(1.0, done / (double) ((long) warmupEpochs * stepsPerEpoch));
        }
        return lr;
    }
}
