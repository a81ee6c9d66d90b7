package io.softcifar.results.study;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.DatasetSpec;
import java.util.List;

/**
 * A valid study, expanded.
 *
 * @param studyId        the study id
 * @param name           its name
 * @param datasetId      the dataset given by id, or null when {@code dataset} is a spec to build
 * @param datasetSpec    the dataset to build, or null
 * @param configurations in grid order
 * @param seeds          the seeds, in the order given
 * @param runs           configuration-major, seed-minor
 */
public record Expansion(String studyId, String name, @Nullable String datasetId, @Nullable DatasetSpec datasetSpec,
        List<Configuration> configurations, List<Long> seeds, List<PlannedRun> runs) {

    public Expansion {
        configurations = List.copyOf(configurations);
        seeds = List.copyOf(seeds);
        runs = List.copyOf(runs);
    }
}
