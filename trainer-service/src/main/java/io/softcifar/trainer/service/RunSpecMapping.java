package io.softcifar.trainer.service;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.LabelMode;
import io.softcifar.ml.train.Mixing;
import io.softcifar.ml.train.TrainConfig;
import java.util.List;

/**
 * The one translation of the wire's {@link RunSpec} into ml-core's {@link TrainConfig}. Everything that is not in
 * the spec stays at ml-core's protocol defaults ({@link ModelConfig#defaults}: MC samples, SNGP and DUQ settings).
 */
public final class RunSpecMapping {

    private RunSpecMapping() {}

    /**
     * The training configuration of a run spec.
     *
     * @param requested        a spec (null fields = defaults); must be valid
     * @param trainMeanEntropy mean entropy of the seed's soft train labels (the manifest's), used as the mixing
     *                         probability q when the spec says {@code mixProbabilityFromEntropy}; may be null
     *                         otherwise (q is then the spec's, default 0.15)
     * @param classes          classes of the dataset (10)
     * @throws InvalidSpecException if the spec is invalid, or q is needed and the dataset has no mean entropy
     */
    public static TrainConfig toTrainConfig(RunSpec requested, @Nullable Double trainMeanEntropy, int classes) {
        List<FieldError> errors = requested.validate();
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        RunSpec s = requested.withDefaults();
        Method method = Method.parse(s.method());
        ModelConfig model = ModelConfig.defaults(method)
                .withDepth(s.depth())
                .withClasses(classes)
                .withDropoutRate(s.dropoutRate());
        return new TrainConfig(
                model,
                LabelMode.parse(s.labelMode()),
                mixing(s, trainMeanEntropy),
                s.entropyThreshold() == null ? 0.0 : s.entropyThreshold(),
                s.augment(),
                s.epochs(),
                s.batchSize(),
                s.learningRate(),
                s.momentum(),
                s.nesterov(),
                s.weightDecay(),
                s.warmupEpochs(),
                s.milestones(),
                s.gamma(),
                s.seed(),
                0,
                io.softcifar.ml.model.Precision.of(s.precision() == null ? RunSpec.PRECISION_FP32 : s.precision()));
    }

    private static Mixing mixing(RunSpec s, @Nullable Double trainMeanEntropy) {
        Mixing.Kind kind = switch (s.mixing()) {
            case RunSpec.MIXING_MIXUP -> Mixing.Kind.MIXUP;
            case RunSpec.MIXING_CUTMIX -> Mixing.Kind.CUTMIX;
            default -> Mixing.Kind.NONE;
        };
        if (kind == Mixing.Kind.NONE) {
            return Mixing.NONE;
        }
        Double q = s.mixProbabilityFromEntropy() ? trainMeanEntropy : s.mixProbability();
        if (q == null) {
            throw new InvalidSpecException(List.of(new FieldError(
                    "mixProbabilityFromEntropy",
                    "the dataset records no mean entropy of its soft train labels to use as q; set mixProbability "
                            + "instead")));
        }
        // the mean entropy (natural log) of 10-class labels can exceed 1 in principle; q is a probability
        return new Mixing(kind, s.mixAlpha(), Math.min(1.0, q));
    }
}
