package io.softcifar.contracts.study;

import io.softcifar.contracts.Nullable;
import java.util.List;

/**
 * A study expanded but not submitted: the answer of {@code POST /api/studies?dryRun=true} and of
 * {@code softcifar plan --json} (the same JSON).
 *
 * @param studyId        the id the study would get
 * @param name           its name
 * @param datasetId      the dataset given by id, or null when the study gives a dataset spec
 * @param configurations how many configurations
 * @param seeds          the seeds
 * @param runs           every run, configuration-major, seed-minor
 */
public record StudyPlan(
        String studyId,
        String name,
        @Nullable String datasetId,
        int configurations,
        List<Long> seeds,
        List<PlanRow> runs) {

    public StudyPlan {
        seeds = List.copyOf(seeds);
        runs = List.copyOf(runs);
    }

    public static StudyPlan of(Expansion e) {
        return new StudyPlan(
                e.studyId(), e.name(), e.datasetId(), e.configurations().size(), e.seeds(), e.plan());
    }
}
