package io.softcifar.contracts.spec;

import io.softcifar.contracts.storage.ObjectKeys;
import java.util.List;

/** The rules of a {@link RunSpec}: every field checked against its range and the others, every problem reported. */
final class RunSpecValidation {

    private RunSpecValidation() {}

    static List<FieldError> validate(RunSpec spec) {
        RunSpec s = spec.withDefaults();
        Problems p = new Problems();
        if (p.check(s.datasetId() != null, "datasetId", "required")) {
            p.check(
                    ObjectKeys.isValidId(s.datasetId()),
                    "datasetId",
                    ObjectKeys.ID_RULE + ", got '" + s.datasetId() + "'");
        }
        checkRange("seed", s.seed(), 0, "", Limits.MAX_SEED, p);
        checkChoice("method", s.method(), RunSpec.METHODS, p);
        checkChoice("labelMode", s.labelMode(), RunSpec.LABEL_MODES, p);
        checkChoice("mixing", s.mixing(), RunSpec.MIXINGS, p);
        if (!RunSpec.MIXING_NONE.equals(s.mixing())) {
            p.check(
                    s.mixAlpha() > 0 && Double.isFinite(s.mixAlpha()),
                    "mixAlpha",
                    "must be > 0 for " + s.mixing() + ", got " + s.mixAlpha());
        }
        if (s.mixProbability() != null) {
            p.check(
                    s.mixProbability() >= 0 && s.mixProbability() <= 1,
                    "mixProbability",
                    "must be in [0, 1] (default " + RunSpec.DEFAULT_MIX_PROBABILITY + "), got " + s.mixProbability());
        }
        if (s.mixProbabilityFromEntropy()) {
            p.check(
                    spec.mixProbability() == null,
                    "mixProbabilityFromEntropy",
                    "true takes q from the dataset's mean entropy: leave mixProbability out (it is "
                            + spec.mixProbability() + ")");
        }
        if (p.check(
                        s.dropoutRate() >= 0 && s.dropoutRate() < 1,
                        "dropoutRate",
                        "must be in [0, 1), got " + s.dropoutRate())
                && RunSpec.METHOD_DROPOUT.equals(s.method())) {
            p.check(s.dropoutRate() > 0, "dropoutRate", "method dropout needs a rate > 0 (e.g. 0.1), got 0");
        }
        if (p.check(s.depth() <= Limits.MAX_DEPTH, "depth", Limits.atMost(Limits.MAX_DEPTH, s.depth()))) {
            p.check(
                    s.depth() >= 8 && (s.depth() - 2) % 6 == 0,
                    "depth",
                    "must be 6n+2 with n >= 1 (20, 32, 44, 56, 110), got " + s.depth());
        }
        checkRange("epochs", s.epochs(), 1, "", Limits.MAX_EPOCHS, p);
        checkRange("batchSize", s.batchSize(), 2, " (BatchNorm needs two samples)", Limits.MAX_BATCH_SIZE, p);
        p.check(
                s.learningRate() > 0 && Double.isFinite(s.learningRate()),
                "learningRate",
                "must be > 0, got " + s.learningRate());
        p.check(s.momentum() >= 0 && s.momentum() < 1, "momentum", "must be in [0, 1), got " + s.momentum());
        p.check(
                s.weightDecay() >= 0 && Double.isFinite(s.weightDecay()),
                "weightDecay",
                "must be >= 0, got " + s.weightDecay());
        checkRange("warmupEpochs", s.warmupEpochs(), 0, "", Limits.MAX_EPOCHS, p);
        checkMilestones(s.milestones(), p);
        p.check(s.gamma() > 0 && s.gamma() <= 1, "gamma", "must be in (0, 1], got " + s.gamma());
        if (s.entropyThreshold() != null) {
            p.check(
                    s.entropyThreshold() >= 0 && Double.isFinite(s.entropyThreshold()),
                    "entropyThreshold",
                    "must be >= 0 (natural log; leave it out for none), got " + s.entropyThreshold());
        }
        checkRange("checkpointEvery", s.checkpointEvery(), 1, " epoch", Limits.MAX_EPOCHS, p);
        checkChoice("device", s.device(), RunSpec.DEVICES, p);
        if (s.precision() != null) {
            checkChoice("precision", s.precision(), RunSpec.PRECISIONS, p);
        }
        return p.toList();
    }

    /**
     * A whole-number field with a lower and an upper bound: "must be >= min{note}, got x", and only when that holds
     * {@link Limits#atMost(long, Object)}.
     */
    private static void checkRange(String field, long value, long min, String note, long max, Problems p) {
        if (p.check(value >= min, field, "must be >= " + min + note + ", got " + value)) {
            p.check(value <= max, field, Limits.atMost(max, value));
        }
    }

    private static void checkChoice(String field, String value, List<String> allowed, Problems p) {
        if (p.check(value != null, field, "required (" + String.join(", ", allowed) + ")")) {
            p.check(
                    allowed.contains(value),
                    field,
                    "unknown " + field + " '" + value + "' (expected one of " + String.join(", ", allowed) + ")");
        }
    }

    private static void checkMilestones(List<Integer> milestones, Problems p) {
        if (!p.check(
                milestones.size() <= Limits.MAX_MILESTONES,
                "milestones",
                Limits.atMost(Limits.MAX_MILESTONES, "milestones", milestones.size()))) {
            return;
        }
        Integer previous = null;
        for (int i = 0; i < milestones.size(); i++) {
            Integer m = milestones.get(i);
            String field = "milestones[" + i + "]";
            if (!p.check(m != null, field, "must not be null")
                    || !p.check(m > 0, field, "must be > 0, got " + m)
                    || !p.check(m <= Limits.MAX_EPOCHS, field, Limits.atMost(Limits.MAX_EPOCHS, m))) {
                continue;
            }
            if (previous != null) {
                p.check(m > previous, field, "must be greater than the previous milestone " + previous + ", got " + m);
            }
            previous = m;
        }
    }
}
