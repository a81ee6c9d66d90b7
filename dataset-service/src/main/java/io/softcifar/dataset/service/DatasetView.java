package io.softcifar.dataset.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.DatasetStatistics;
import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import java.time.Instant;

/**
 * A dataset as the HTTP API shows it: status, and when READY its summary, statistics and (in the single-dataset
 * view) the whole manifest; when FAILED the field or file at fault and the reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetView(
        String id,
        DatasetStatus status,
        String manifestKey,
        DatasetSummary summary,
        DatasetStatistics statistics,
        String failedField,
        String reason,
        Boolean badInput,
        DatasetSpec spec,
        Instant requestedAt,
        Instant updatedAt,
        DatasetManifest manifest) {

    static DatasetView ready(String id, DatasetManifest manifest, Instant requestedAt, Instant updatedAt) {
        return new DatasetView(
                id,
                DatasetStatus.READY,
                ObjectKeys.manifest(id),
                DatasetSummary.of(manifest),
                manifest.statistics(),
                null,
                null,
                null,
                manifest.spec(),
                requestedAt,
                updatedAt,
                manifest);
    }

    static DatasetView importing(String id, DatasetSpec spec, Instant requestedAt) {
        return new DatasetView(
                id, DatasetStatus.IMPORTING, null, null, null, null, null, null, spec, requestedAt, requestedAt, null);
    }

    static DatasetView failed(String id, Problem problem, Instant requestedAt, Instant updatedAt) {
        return new DatasetView(
                id,
                DatasetStatus.FAILED,
                null,
                null,
                null,
                problem.field(),
                problem.message(),
                problem.badInput(),
                null,
                requestedAt,
                updatedAt,
                null);
    }

    /** The list view: everything but the manifest. */
    DatasetView summaryOnly() {
        return new DatasetView(
                id,
                status,
                manifestKey,
                summary,
                statistics,
                failedField,
                reason,
                badInput,
                spec,
                requestedAt,
                updatedAt,
                null);
    }
}
