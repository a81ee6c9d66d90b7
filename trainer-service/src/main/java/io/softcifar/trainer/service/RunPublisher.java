package io.softcifar.trainer.service;

import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.Fenced;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.contracts.util.Sha256;
import io.softcifar.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's outgoing traffic: events stamped with the lease's fencing token, and checkpoint files uploaded to the bucket
 * and announced on {@link Topics#CHECKPOINTS}.
 */
record RunPublisher(ObjectStore store, EventSink events, TrainerMetrics metrics) {

    /** A checkpoint file as uploaded: its key, SHA-256 and size. */
    record Uploaded(String key, String sha256, long bytes) {}

    /** Publishes the event stamped with the lease's fencing token (none when {@code token} is 0). */
    void publish(String topic, String key, Correlation corr, Event event, long token) {
        events.publish(topic, key, envelope(event, corr, token));
    }

    /** Publishes an envelope made before (a terminal event already written to the run's record). */
    void publish(String topic, String key, EventEnvelope envelope) {
        events.publish(topic, key, envelope);
    }

    /** The envelope of the event stamped with the fencing token (none when {@code token} is 0). */
    static EventEnvelope envelope(Event event, Correlation corr, long token) {
        Event stamped = token > 0 && event instanceof Fenced fenced ? fenced.withFencingToken(token) : event;
        return EventEnvelope.of(stamped, corr);
    }

    /**
     * Uploads a checkpoint file to {@code key} and publishes it as {@link CheckpointPublished} of {@code kind}
     * ({@link CheckpointPublished#KIND_BEST} or {@link CheckpointPublished#KIND_EPOCH}, also the upload metric's kind).
     */
    Uploaded checkpoint(
            String runId,
            Correlation corr,
            Path file,
            String key,
            String kind,
            int epoch,
            boolean finalCheckpoint,
            long token) {
        Uploaded up = upload(file, key, kind);
        publish(
                Topics.CHECKPOINTS,
                runId,
                corr,
                new CheckpointPublished(runId, epoch, kind, finalCheckpoint, up.key(), up.sha256(), up.bytes()),
                token);
        return up;
    }

    private Uploaded upload(Path file, String key, String kind) {
        long start = System.nanoTime();
        try {
            long bytes = Files.size(file);
            String sha = Sha256.ofFile(file);
            store.putFile(key, file, "application/zip");
            metrics.upload(kind, bytes, System.nanoTime() - start);
            return new Uploaded(key, sha, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read checkpoint for upload: " + e.getMessage(), e);
        }
    }
}
