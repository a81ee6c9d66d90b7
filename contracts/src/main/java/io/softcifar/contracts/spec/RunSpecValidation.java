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
        if (p.check(s.seed() >= 0, "seed", "must be >= 0, got " + s.seed())) {
            p.check(s.seed() <= Limits.MAX_SEED, "seed", Limits.atMost(Limits.MAX_SEED, s.seed()));
        }
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
        if (p.check(s.epochs() >= 1, "epochs", "must be >= 1, got " + s.epochs())) {
            p.check(s.epochs() <= Limits.MAX_EPOCHS, "epochs", Limits.atMost(Limits.MAX_EPOCHS, s.epochs()));
        }
        if (p.check(
                s.batchSize() >= 2, "batchSize", "must be >= 2 (BatchNorm needs two samples), got " + s.batchSize())) {
            p.check(
                    s.batchSize() <= Limits.MAX_BATCH_SIZE,
                    "batchSize",
                    Limits.atMost(Limits.MAX_BATCH_SIZE, s.batchSize()));
        }
        p.check(
                s.learningRate() > 0 && Double.isFinite(s.learningRate()),
                "learningRate",
                "must be > 0, got " + s.learningRate());
        p.check(s.momentum() >= 0 && s.momentum() < 1, "momentum", "must be in [0, 1), got " + s.momentum());
        p.check(
                s.weightDecay() >= 0 && Double.isFinite(s.weightDecay()),
                "weightDecay",
                "must be >= 0, got " + s.weightDecay());
        if (p.check(s.warmupEpochs() >= 0, "warmupEpochs", "must be >= 0, got " + s.warmupEpochs())) {
            p.check(
                    s.warmupEpochs() <= Limits.MAX_EPOCHS,
                    "warmupEpochs",
                    Limits.atMost(Limits.MAX_EPOCHS, s.warmupEpochs()));
        }
        checkMilestones(s.milestones(), p);
        p.check(s.gamma() > 0 && s.gamma() <= 1, "gamma", "must be in (0, 1], got " + s.gamma());
        if (s.entropyThreshold() != null) {
            p.check(
                    s.entropyThreshold() >= 0 && Double.isFinite(s.entropyThreshold()),
                    "entropyThreshold",
                    "must be >= 0 (natural log; leave it out for none), got " + s.entropyThreshold());
        }
        if (p.check(s.checkpointEvery() >= 1, "checkpointEvery", "must be >= 1 epoch, got " + s.checkpointEvery())) {
            p.check(
                    s.checkpointEvery() <= Limits.MAX_EPOCHS,
                    "checkpointEvery",
                    Limits.atMost(Limits.MAX_EPOCHS, s.checkpointEvery()));
        }
        checkChoice("device", s.device(), RunSpec.DEVICES, p);
        return p.toList();
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
