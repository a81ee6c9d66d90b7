package io.softcifar.contracts.events;

import io.softcifar.contracts.spec.DatasetSpec;

/**
 * Someone asks for a dataset to be built; the dataset service answers with {@link DatasetReady} or
 * {@link DatasetFailed} carrying the same {@code requestId}.
 *
 * @param requestId chosen by the requester to match the answer
 * @param spec      what to build; validated by the dataset service (null fields = defaults)
 */
public record DatasetRequested(String requestId, DatasetSpec spec) implements Event {
    public static final String TYPE = "dataset.requested";
}
