package io.softcifar.contracts.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.contracts.Nullable;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.RunSpec;

/**
 * A study as a user submits it to {@code POST /api/studies}: which data, which grid of configurations, how many
 * seeds. Kept verbatim on the studies topic ({@code StudySubmitted.definition}), so the study can be expanded again
 * after a restart.
 *
 * @param id        optional study id ({@code [A-Za-z0-9._-]}, at most 64 characters); default: the name as a slug
 *                  plus 8 hex digits of the SHA-256 of the request, so submitting the same request twice is one study
 * @param name      a human name, required
 * @param preset    {@code paper}: the reference's 30 configurations ({@link PaperPreset}) × seeds 0..4; the grid
 *                  must then be left out, seeds and overrides (of fields the preset does not set) may still be given
 * @param dataset   the dataset to build (a DatasetSpec); the study waits for it before training
 * @param datasetId an existing dataset instead (exactly one of dataset and datasetId)
 * @param grid      the configurations: every combination of its lists, at most
 *                  {@link io.softcifar.contracts.spec.Limits#MAX_CONFIGURATIONS}
 * @param seeds     a count n ≥ 1 (seeds 0..n−1) or an explicit list of distinct seeds ≥ 0; default 1 (paper: 5); at
 *                  most {@link io.softcifar.contracts.spec.Limits#MAX_SEEDS}
 * @param overrides run settings applied to every run (a RunSpec without datasetId, seed, method, labelMode or
 *                  anything the grid varies), e.g. {@code {"epochs": 1, "device": "cpu"}}
 * @param allowLarge permit more than {@code softcifar.results.max-runs} (1,000) runs, up to
 *                  {@link io.softcifar.contracts.spec.Limits#MAX_RUNS} (2,560)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudyRequest(
        @Nullable String id,
        @Nullable String name,
        @Nullable String preset,
        @Nullable DatasetSpec dataset,
        @Nullable String datasetId,
        @Nullable Grid grid,
        @Nullable JsonNode seeds,
        @Nullable RunSpec overrides,
        @Nullable Boolean allowLarge) {

    public static final String PRESET_PAPER = "paper";
}
