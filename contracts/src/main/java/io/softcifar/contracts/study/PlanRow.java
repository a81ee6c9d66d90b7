package io.softcifar.contracts.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.RunSpec;

/**
 * One run of a study as a dry run shows it ({@code POST /api/studies?dryRun=true}, {@code softcifar plan}): what
 * sets the configuration apart, with defaults applied.
 *
 * @param runId          {@code <studyId>-<configKey>-s<seed>}
 * @param configKey      the configuration's key
 * @param label          the configuration in the reference table's wording, e.g. "dropout, no aug, soft"
 * @param method         basic, dropout, sngp or duq
 * @param labelMode      soft or hard
 * @param mixing         none, mixup or cutmix
 * @param augment        the augmentation chain on or off
 * @param mixAlpha       α of Mixup/CutMix; null without mixing
 * @param mixProbability q of Mixup/CutMix; null without mixing, or when q is the dataset's mean entropy
 * @param dropoutRate    MC Dropout rate; null for other methods
 * @param seed           the run's seed
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PlanRow(
        String runId,
        String configKey,
        String label,
        String method,
        String labelMode,
        String mixing,
        boolean augment,
        @Nullable Double mixAlpha,
        @Nullable Double mixProbability,
        @Nullable Double dropoutRate,
        long seed) {

    static PlanRow of(PlannedRun run, Configuration configuration) {
        RunSpec s = run.specTemplate().withDefaults();
        boolean mixing = !RunSpec.MIXING_NONE.equals(s.mixing());
        return new PlanRow(
                run.runId(),
                run.configKey(),
                configuration.label(),
                s.method(),
                s.labelMode(),
                s.mixing(),
                s.augment(),
                mixing ? s.mixAlpha() : null,
                mixing ? s.mixProbability() : null,
                RunSpec.METHOD_DROPOUT.equals(s.method()) ? s.dropoutRate() : null,
                run.seed());
    }
}
