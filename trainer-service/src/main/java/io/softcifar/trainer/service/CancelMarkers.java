package io.softcifar.trainer.service;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/** Reads and writes a run's {@link CancelMarker} in the bucket: a cancel for a run that may not be training yet. */
final class CancelMarkers {

    private final ObjectStore store;

    CancelMarkers(ObjectStore store) {
        this.store = store;
    }

    /** Remembers a cancel request; a later request replaces an earlier one. */
    void remember(String runId, Instant requestedAt, String reason) {
        if (!ObjectKeys.isValidId(runId) || requestedAt == null) {
            return;
        }
        Optional<CancelMarker> known = read(runId);
        if (known.isPresent()
                && known.get().requestedAt() != null
                && known.get().requestedAt().isAfter(requestedAt)) {
            return;
        }
        store.putJson(RunKeys.cancelMarker(runId), EventCodec.toJson(new CancelMarker(runId, requestedAt, reason)));
    }

    /** The run's latest cancel if it came at or after {@code requestedAt} (see {@link CancelMarker#supersedes}). */
    Optional<CancelMarker> supersedingRequest(String runId, Instant requestedAt) {
        return read(runId).filter(c -> c.supersedes(requestedAt));
    }

    private Optional<CancelMarker> read(String runId) {
        String key = RunKeys.cancelMarker(runId);
        if (runId == null || !store.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(
                EventCodec.fromJson(new String(store.getBytes(key), StandardCharsets.UTF_8), CancelMarker.class));
    }

    static String reasonOf(CancelMarker cancel) {
        return cancel.reason() == null ? "cancel requested" : cancel.reason();
    }
}
