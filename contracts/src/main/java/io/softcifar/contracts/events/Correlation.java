package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;

/**
 * The ids an event belongs to, repeated in every envelope so that logs, traces and the results service can join
 * events without knowing each payload's fields. Each id is null where it does not apply (a dataset event has no run).
 */
public record Correlation(
        @Nullable String studyId,
        @Nullable String runId,
        @Nullable String datasetId) {

    public static final Correlation NONE = new Correlation(null, null, null);

    public static Correlation ofDataset(String datasetId) {
        return new Correlation(null, null, datasetId);
    }

    public static Correlation ofRun(@Nullable String studyId, String runId, String datasetId) {
        return new Correlation(studyId, runId, datasetId);
    }
}
