package io.softcifar.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.softcifar.contracts.Nullable;
import java.util.List;

/**
 * A checkpoint object was written and is complete (its checksum is final), so it is safe to read.
 *
 * @param runId   the run
 * @param epoch   the epoch the checkpoint was taken after
 * @param kind    {@value #KIND_EPOCH} (a periodic checkpoint) or {@value #KIND_BEST} (a new lowest validation loss)
 * @param isFinal whether this is the run's last checkpoint of its kind
 * @param key     object key
 * @param sha256  lower-case hex SHA-256 of the object
 * @param bytes   object size
 * @param fencingToken the publishing lease's fencing token ({@link Fenced}); absent in older events
 */
public record CheckpointPublished(
        String runId,
        int epoch,
        String kind,
        @JsonProperty("isFinal") boolean isFinal,
        String key,
        String sha256,
        long bytes,
        @Nullable Long fencingToken)
        implements Event, RunEvent, Fenced {
    public static final String TYPE = "checkpoint.published";

    public static final String KIND_EPOCH = "epoch";
    public static final String KIND_BEST = "best";
    public static final List<String> KINDS = List.of(KIND_EPOCH, KIND_BEST);

    public CheckpointPublished {
        if (kind != null && !KINDS.contains(kind)) {
            throw new IllegalArgumentException(
                    "kind: must be " + KIND_EPOCH + " or " + KIND_BEST + ", got '" + kind + "'");
        }
    }

    public CheckpointPublished(
            String runId, int epoch, String kind, boolean isFinal, String key, String sha256, long bytes) {
        this(runId, epoch, kind, isFinal, key, sha256, bytes, null);
    }

    @Override
    public CheckpointPublished withFencingToken(long token) {
        return new CheckpointPublished(runId, epoch, kind, isFinal, key, sha256, bytes, token);
    }
}
