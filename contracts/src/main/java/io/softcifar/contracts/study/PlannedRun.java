package io.softcifar.contracts.study;

import io.softcifar.contracts.spec.RunSpec;

/**
 * One run of an expanded study.
 *
 * @param runId          {@code <studyId>-<configKey>-s<seed>}
 * @param configKey      the configuration's key, shared by its seeds ({@link Configuration#key()})
 * @param seed           the run's seed
 * @param specTemplate   the run spec with the seed set and the dataset still {@link StudyExpander#DATASET_PLACEHOLDER}
 */
public record PlannedRun(String runId, String configKey, long seed, RunSpec specTemplate) {

    /** The spec to train: the template on the study's dataset. */
    public RunSpec specFor(String datasetId) {
        return specTemplate.toBuilder().datasetId(datasetId).build();
    }
}
