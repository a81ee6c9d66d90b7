package io.softcifar.ml.train;

import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.Precision;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything that determines a training run (saved in every checkpoint). Defaults are PROTOCOL.md's "Training".
 *
 * @param model architecture and method
 * @param labels soft or hard training targets
 * @param mixing Mixup / CutMix or none
 * @param entropyThreshold soft labels with entropy below this are replaced by their hard label (0 = off)
 * @param augment the train-time augmentation chain (color jitter, flip, rotation, random resized crop)
 * @param epochs epochs to run (the best validation-loss epoch is kept)
 * @param batchSize mini-batch size
 * @param learningRate base learning rate
 * @param momentum SGD momentum μ
 * @param nesterov Nesterov momentum instead of plain momentum (false: plain, as the reference's
 *                 {@code torch.optim.SGD(momentum=0.9)}); missing in checkpoints written before it existed: false
 * @param weightDecay L2 weight decay
 * @param warmupEpochs linear warm-up length
 * @param milestones epochs at which the learning rate is multiplied by gamma
 * @param gamma decay factor
 * @param seed split, initialization, batch order and augmentation seed
 * @param limit use only the first N training images of the split (0 = all)
 * @param precision the convolutions' arithmetic ({@link Precision}); missing in checkpoints written before it existed:
 *     fp32
 */
public record TrainConfig(
        ModelConfig model,
        LabelMode labels,
        Mixing mixing,
        double entropyThreshold,
        boolean augment,
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        boolean nesterov,
        double weightDecay,
        int warmupEpochs,
        List<Integer> milestones,
        double gamma,
        long seed,
        int limit,
        Precision precision) {

    public static final List<Integer> PROTOCOL_MILESTONES = List.of(50, 100, 150, 190, 210, 230);

    public TrainConfig {
        if (model == null || labels == null || mixing == null) {
            throw new IllegalArgumentException("model, labels and mixing are required");
        }
        milestones = milestones == null ? PROTOCOL_MILESTONES : List.copyOf(milestones);
        precision = precision == null ? Precision.FP32 : precision;
        check(epochs >= 1, "epochs: must be >= 1, got " + epochs);
        check(batchSize >= 2, "batch-size: must be >= 2 (BatchNorm needs two samples), got " + batchSize);
        check(learningRate > 0 && Double.isFinite(learningRate), "lr: learning rate must be > 0, got " + learningRate);
        check(momentum >= 0 && momentum < 1, "momentum: must be in [0, 1), got " + momentum);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight-decay: must be >= 0, got " + weightDecay);
        check(warmupEpochs >= 0, "warmup: must be >= 0, got " + warmupEpochs);
        check(gamma > 0 && gamma <= 1, "gamma: must be in (0, 1], got " + gamma);
        check(
                entropyThreshold >= 0 && Double.isFinite(entropyThreshold),
                "entropy-threshold: must be >= 0, got " + entropyThreshold);
        check(limit >= 0, "limit: must be >= 0, got " + limit);
        for (int m : milestones) {
            check(m > 0, "milestones: must be positive epochs, got " + milestones);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The protocol's settings for a method and label mode (230 epochs, batch 64, lr 0.05, seed 0). */
    public static TrainConfig protocol(Method method, LabelMode labels) {
        TrainConfigBuilder b = new TrainConfigBuilder();
        b.model = ModelConfig.defaults(method);
        b.labels = labels;
        b.mixing = Mixing.NONE;
        b.entropyThreshold = 0.0;
        b.augment = true;
        b.epochs = 230;
        b.batchSize = 64;
        b.learningRate = 0.05;
        b.momentum = 0.9;
        b.nesterov = false;
        b.weightDecay = 5e-4;
        b.warmupEpochs = 5;
        b.milestones = PROTOCOL_MILESTONES;
        b.gamma = 0.5;
        b.seed = 0L;
        b.limit = 0;
        b.precision = Precision.FP32;
        return b.build();
    }

    /** This configuration with one or more fields changed (validated again). */
    private TrainConfig with(Consumer<TrainConfigBuilder> change) {
        TrainConfigBuilder b = new TrainConfigBuilder(this);
        change.accept(b);
        return b.build();
    }

    public TrainConfig withEpochs(int n) {
        return with(b -> b.epochs = n);
    }

    public TrainConfig withSeed(long s) {
        return with(b -> b.seed = s);
    }

    public TrainConfig withLimit(int n) {
        return with(b -> b.limit = n);
    }

    public TrainConfig withBatchSize(int n) {
        return with(b -> b.batchSize = n);
    }

    public TrainConfig withAugment(boolean on) {
        return with(b -> b.augment = on);
    }

    public TrainConfig withMixing(Mixing m) {
        return with(b -> b.mixing = m);
    }

    public TrainConfig withModel(ModelConfig m) {
        return with(b -> b.model = m);
    }

    public TrainConfig withLearningRate(double lr) {
        return with(b -> b.learningRate = lr);
    }

    public TrainConfig withWarmupEpochs(int n) {
        return with(b -> b.warmupEpochs = n);
    }

    public TrainConfig withEntropyThreshold(double t) {
        return with(b -> b.entropyThreshold = t);
    }

    public TrainConfig withNesterov(boolean on) {
        return with(b -> b.nesterov = on);
    }

    public TrainConfig withWeightDecay(double wd) {
        return with(b -> b.weightDecay = wd);
    }

    public TrainConfig withPrecision(Precision p) {
        return with(b -> b.precision = p);
    }

    @Override
    public String toString() {
        return model.method().id() + "/" + labels.id() + " depth " + model.depth() + " epochs " + epochs + " batch "
                + batchSize + " lr " + learningRate + (nesterov ? " nesterov" : "") + " seed " + seed
                + (precision == Precision.FP32 ? "" : " " + precision.id())
                + (mixing.kind() == Mixing.Kind.NONE
                        ? ""
                        : " " + mixing.kind().name().toLowerCase(java.util.Locale.ROOT) + " α=" + mixing.alpha() + " q="
                                + mixing.probability())
                + (milestones.equals(PROTOCOL_MILESTONES)
                        ? ""
                        : " milestones " + Arrays.toString(milestones.toArray()));
    }
}
