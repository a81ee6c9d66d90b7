package io.softcifar.contracts.events;

import io.softcifar.contracts.dataset.DatasetSummary;

/**
 * A dataset is built and its manifest stored: runs may now use it.
 *
 * @param datasetId   the dataset
 * @param manifestKey object key of its {@code DatasetManifest}
 * @param summary     headline figures, so consumers need not fetch the manifest to show them
 */
public record DatasetReady(String datasetId, String manifestKey, DatasetSummary summary) implements Event {
    public static final String TYPE = "dataset.ready";
}
