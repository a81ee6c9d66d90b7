package io.softcifar.contracts.study;

import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.DatasetSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
public record Expansion(
        String studyId,
        String name,
        @Nullable String datasetId,
        @Nullable DatasetSpec datasetSpec,
        List<Configuration> configurations,
        List<Long> seeds,
        List<PlannedRun> runs) {

    public Expansion {
        configurations = List.copyOf(configurations);
        seeds = List.copyOf(seeds);
        runs = List.copyOf(runs);
    }

    /** Every run as a dry run shows it, in run order. */
    public List<PlanRow> plan() {
        Map<String, Configuration> byKey = new HashMap<>();
        configurations.forEach(c -> byKey.put(c.key(), c));
        return runs.stream().map(r -> PlanRow.of(r, byKey.get(r.configKey()))).toList();
    }
}
