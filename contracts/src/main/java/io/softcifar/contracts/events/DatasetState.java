package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;
import java.util.Map;

/**
 * The dataset service is building a dataset (published while {@link DatasetStatus#IMPORTING}, so a duplicate request
 * can wait instead of building again). The outcome is published as {@link DatasetReady} or {@link DatasetFailed},
 * which then is the last record of the dataset on the compacted topic; {@link #statusOf} reads all three alike.
 *
 * @param datasetId   the dataset
 * @param status      its status
 * @param manifestKey where the manifest is (READY only)
 * @param reason      why it failed (FAILED only)
 */
public record DatasetState(
        String datasetId,
        DatasetStatus status,
        @Nullable String manifestKey,
        @Nullable String reason) implements Event {
    public static final String TYPE = "dataset.state";

    /** The events on the dataset-state topic that stand for a status by their type alone. */
    private static final Map<Class<? extends Event>, DatasetStatus> BY_TYPE =
            Map.of(DatasetReady.class, DatasetStatus.READY, DatasetFailed.class, DatasetStatus.FAILED);

    /** The status an event on the dataset-state topic stands for; null for events that carry none. */
    public static @Nullable DatasetStatus statusOf(Event event) {
        return event instanceof DatasetState state ? state.status() : BY_TYPE.get(event.getClass());
    }
}
