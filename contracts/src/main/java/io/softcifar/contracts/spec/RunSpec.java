package io.softcifar.contracts.spec;

import io.softcifar.contracts.Nullable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything that determines one training run. Null fields mean the protocol default ({@link #withDefaults()},
 * PROTOCOL.md "Training", the same values as ml-core's {@code TrainConfig.protocol}); {@link #validate()} reports
 * every problem at once. Only {@code datasetId}, {@code method} and {@code labelMode} have no default.
 *
 * @param datasetId        the dataset (its manifest holds the split of every seed)
 * @param seed             split, initialization, batch order and augmentation seed; one of the dataset's seeds; default 0;
 *                         at most {@link Limits#MAX_SEED}
 * @param method           basic, dropout (MC Dropout), sngp or duq
 * @param labelMode        training targets: soft (CIFAR-10H distributions) or hard (their argmax)
 * @param mixing           none, mixup or cutmix (one value: the two are never combined); default none
 * @param mixAlpha         α of Beta(α, α) for Mixup/CutMix, &gt; 0; default 0.2 (the reference's)
 * @param mixProbability   q, the chance that a batch is mixed, in [0, 1]; default 0.15 (the reference's final
 *                         scripts; ≈ the mean entropy of the CIFAR-10H soft labels, 0.1545 nats)
 * @param mixProbabilityFromEntropy true: q = the mean entropy of the seed's soft train labels (the dataset manifest's,
 *                         capped at 1) instead of a fixed q — this project's default before q = 0.15; mixProbability
 *                         must then be left out; default false
 * @param dropoutRate      MC Dropout rate p in [0, 1), &gt; 0 for method dropout; default 0.1 for dropout, else 0
 * @param depth            ResNet depth 6n+2 (20, 32, 44, 56, 110), at most {@link Limits#MAX_DEPTH}; default 20
 * @param epochs           default 230 (the best validation-loss epoch is kept); at most {@link Limits#MAX_EPOCHS},
 *                         which also bounds warmupEpochs, each milestone and checkpointEvery
 * @param batchSize        default 64, ≥ 2 (BatchNorm), at most {@link Limits#MAX_BATCH_SIZE}
 * @param learningRate     base learning rate, default 0.05
 * @param momentum         SGD momentum μ in [0, 1), default 0.9
 * @param nesterov         Nesterov momentum instead of plain momentum; default false (plain, as the reference's
 *                         {@code torch.optim.SGD(momentum=0.9, weight_decay=5e-4)})
 * @param weightDecay      L2 weight decay ≥ 0, default 5e-4
 * @param warmupEpochs     linear warm-up length ≥ 0, default 5
 * @param milestones       epochs where the learning rate is multiplied by gamma, strictly increasing, at most
 *                         {@link Limits#MAX_MILESTONES} of them; default 50, 100, 150, 190, 210, 230
 * @param gamma            decay factor in (0, 1], default 0.5
 * @param entropyThreshold soft labels with lower entropy become hard at training time; null = none
 * @param augment          the train-time augmentation chain; default true (the reference's "no aug" rows set false)
 * @param checkpointEvery  write an epoch checkpoint every N epochs, ≥ 1; default 1 (the resume point)
 * @param device           auto, cpu or gpu; default auto
 * @param precision        fp32 or bf16 (the backbone computes in bfloat16 on fp32 weights; fast on GPUs and on CPUs
 *                         with AVX-512 BF16/AMX); null = fp32, left null by {@link #withDefaults()} so that the JSON
 *                         of specs written before the field does not change
 */
public record RunSpec(
        @Nullable String datasetId,
        @Nullable Long seed,
        @Nullable String method,
        @Nullable String labelMode,
        @Nullable String mixing,
        @Nullable Double mixAlpha,
        @Nullable Double mixProbability,
        @Nullable Boolean mixProbabilityFromEntropy,
        @Nullable Double dropoutRate,
        @Nullable Integer depth,
        @Nullable Integer epochs,
        @Nullable Integer batchSize,
        @Nullable Double learningRate,
        @Nullable Double momentum,
        @Nullable Boolean nesterov,
        @Nullable Double weightDecay,
        @Nullable Integer warmupEpochs,
        @Nullable List<Integer> milestones,
        @Nullable Double gamma,
        @Nullable Double entropyThreshold,
        @Nullable Boolean augment,
        @Nullable Integer checkpointEvery,
        @Nullable String device,
        @Nullable String precision)
        implements Spec {

    public static final String METHOD_BASIC = "basic";
    public static final String METHOD_DROPOUT = "dropout";
    public static final String METHOD_SNGP = "sngp";
    public static final String METHOD_DUQ = "duq";
    public static final List<String> METHODS = List.of(METHOD_BASIC, METHOD_DROPOUT, METHOD_SNGP, METHOD_DUQ);

    public static final String LABELS_SOFT = "soft";
    public static final String LABELS_HARD = "hard";
    public static final List<String> LABEL_MODES = List.of(LABELS_SOFT, LABELS_HARD);

    public static final String MIXING_NONE = "none";
    public static final String MIXING_MIXUP = "mixup";
    public static final String MIXING_CUTMIX = "cutmix";
    public static final List<String> MIXINGS = List.of(MIXING_NONE, MIXING_MIXUP, MIXING_CUTMIX);

    public static final String DEVICE_AUTO = "auto";
    public static final String DEVICE_CPU = "cpu";
    public static final String DEVICE_GPU = "gpu";
    public static final List<String> DEVICES = List.of(DEVICE_AUTO, DEVICE_CPU, DEVICE_GPU);

    public static final String PRECISION_FP32 = "fp32";
    public static final String PRECISION_BF16 = "bf16";
    public static final List<String> PRECISIONS = List.of(PRECISION_FP32, PRECISION_BF16);

    public static final long DEFAULT_SEED = 0;
    public static final double DEFAULT_MIX_ALPHA = 0.2;
    public static final double DEFAULT_MIX_PROBABILITY = 0.15;
    public static final double DEFAULT_DROPOUT_RATE = 0.1;
    public static final int DEFAULT_DEPTH = 20;
    public static final int DEFAULT_EPOCHS = 230;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final double DEFAULT_LEARNING_RATE = 0.05;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;
    public static final int DEFAULT_WARMUP_EPOCHS = 5;
    public static final List<Integer> DEFAULT_MILESTONES = List.of(50, 100, 150, 190, 210, 230);
    public static final double DEFAULT_GAMMA = 0.5;
    public static final int DEFAULT_CHECKPOINT_EVERY = 1;

    /** The list is copied (keeping null elements, which {@link #validate()} reports). */
    public RunSpec {
        milestones = milestones == null ? null : Collections.unmodifiableList(new ArrayList<>(milestones));
    }

    /** The protocol's run for a dataset, method and label mode, all other fields at their defaults. */
    public static RunSpec protocol(String datasetId, String method, String labelMode) {
        return builder(datasetId, method, labelMode).build().withDefaults();
    }

    /** A builder with every other field null (= default). */
    public static Builder builder(String datasetId, String method, String labelMode) {
        return new Builder().datasetId(datasetId).method(method).labelMode(labelMode);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Every null field replaced by its default, except entropyThreshold, whose null is a setting (none), and
     * mixProbability when mixProbabilityFromEntropy is true (q comes from the dataset).
     */
    public RunSpec withDefaults() {
        return RunSpecDefaults.apply(this);
    }

    @Override
    public List<FieldError> validate() {
        return RunSpecValidation.validate(this);
    }

    /**
     * The configuration as canonical JSON (sorted keys, defaults applied) without what does not change the model a
     * run learns (see {@link ConfigurationIdentity}): the seed, the device, the checkpoint interval, settings the
     * method or mixing ignores, an entropyThreshold of 0, and nesterov and mixProbabilityFromEntropy when false.
     *
     * @throws InvalidSpecException if the spec is invalid
     */
    public String configurationJson() {
        return ConfigurationIdentity.json(this);
    }

    /**
     * A stable key that groups the runs of one configuration over seeds, e.g. {@code sngp-soft-mixup-1f0c4e9a2b7d}
     * or {@code dropout-hard-noaug-0a1b2c3d4e5f}: method, label mode, mixing (when not none), {@code noaug} when
     * augmentation is off, then the first 12 hex digits of the SHA-256 of
     * {@link #configurationJson()}. Valid as an object-key id.
     *
     * @throws InvalidSpecException if the spec is invalid
     */
    public String configurationKey() {
        return ConfigurationIdentity.key(this);
    }

    /** Fluent construction of a {@link RunSpec}; unset fields stay null (= default). Does not validate. */
    public static final class Builder {
        private String datasetId;
        private Long seed;
        private String method;
        private String labelMode;
        private String mixing;
        private Double mixAlpha;
        private Double mixProbability;
        private Boolean mixProbabilityFromEntropy;
        private Double dropoutRate;
        private Integer depth;
        private Integer epochs;
        private Integer batchSize;
        private Double learningRate;
        private Double momentum;
        private Boolean nesterov;
        private Double weightDecay;
        private Integer warmupEpochs;
        private List<Integer> milestones;
        private Double gamma;
        private Double entropyThreshold;
        private Boolean augment;
        private Integer checkpointEvery;
        private String device;
        private String precision;

        private Builder() {}

        private Builder(RunSpec s) {
            datasetId = s.datasetId;
            seed = s.seed;
            method = s.method;
            labelMode = s.labelMode;
            mixing = s.mixing;
            mixAlpha = s.mixAlpha;
            mixProbability = s.mixProbability;
            mixProbabilityFromEntropy = s.mixProbabilityFromEntropy;
            dropoutRate = s.dropoutRate;
            depth = s.depth;
            epochs = s.epochs;
            batchSize = s.batchSize;
            learningRate = s.learningRate;
            momentum = s.momentum;
            nesterov = s.nesterov;
            weightDecay = s.weightDecay;
            warmupEpochs = s.warmupEpochs;
            milestones = s.milestones;
            gamma = s.gamma;
            entropyThreshold = s.entropyThreshold;
            augment = s.augment;
            checkpointEvery = s.checkpointEvery;
            device = s.device;
            precision = s.precision;
        }

        public Builder datasetId(String v) {
            datasetId = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder labelMode(String v) {
            labelMode = v;
            return this;
        }

        /** Mixing kind with its α and q (null = the defaults 0.2 and 0.15). */
        public Builder mixing(String kind, Double alpha, Double probability) {
            mixing = kind;
            mixAlpha = alpha;
            mixProbability = probability;
            return this;
        }

        /** True: q is the mean entropy of the seed's soft train labels (leave the q of {@link #mixing} null). */
        public Builder mixProbabilityFromEntropy(Boolean v) {
            mixProbabilityFromEntropy = v;
            return this;
        }

        public Builder dropoutRate(Double v) {
            dropoutRate = v;
            return this;
        }

        public Builder depth(Integer v) {
            depth = v;
            return this;
        }

        public Builder epochs(Integer v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(Double v) {
            learningRate = v;
            return this;
        }

        public Builder momentum(Double v) {
            momentum = v;
            return this;
        }

        public Builder nesterov(Boolean v) {
            nesterov = v;
            return this;
        }

        public Builder weightDecay(Double v) {
            weightDecay = v;
            return this;
        }

        public Builder warmupEpochs(Integer v) {
            warmupEpochs = v;
            return this;
        }

        public Builder milestones(List<Integer> v) {
            milestones = v;
            return this;
        }

        public Builder gamma(Double v) {
            gamma = v;
            return this;
        }

        public Builder entropyThreshold(Double v) {
            entropyThreshold = v;
            return this;
        }

        public Builder augment(Boolean v) {
            augment = v;
            return this;
        }

        public Builder checkpointEvery(Integer v) {
            checkpointEvery = v;
            return this;
        }

        public Builder device(String v) {
            device = v;
            return this;
        }

        public Builder precision(String v) {
            precision = v;
            return this;
        }

        public RunSpec build() {
            return new RunSpec(
                    datasetId,
                    seed,
                    method,
                    labelMode,
                    mixing,
                    mixAlpha,
                    mixProbability,
                    mixProbabilityFromEntropy,
                    dropoutRate,
                    depth,
                    epochs,
                    batchSize,
                    learningRate,
                    momentum,
                    nesterov,
                    weightDecay,
                    warmupEpochs,
                    milestones,
                    gamma,
                    entropyThreshold,
                    augment,
                    checkpointEvery,
                    device,
                    precision);
        }
    }
}
