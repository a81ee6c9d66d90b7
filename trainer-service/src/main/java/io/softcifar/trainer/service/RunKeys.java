package io.softcifar.trainer.service;

import io.softcifar.contracts.storage.ObjectKeys;

/**
 * The trainer's object keys. Checkpoints use the shared layout of {@link ObjectKeys}; the one key of the trainer's
 * own are the run's outcome record, {@code runs/{runId}/training.json} ({@link RunRecord}), which makes a redelivered
 * or repeated training request for an ended run a no-op, and its latest cancel request, {@code runs/{runId}/cancel.json}
 * ({@link CancelMarker}). It lives next to the run's checkpoints and evaluation, so
 * deleting {@code runs/{runId}/} forgets the run entirely.
 */
public final class RunKeys {

    public static final String RECORD_FILE = "training.json";
    public static final String CANCEL_FILE = "cancel.json";

    private RunKeys() {}

    public static String record(String runId) {
        return ObjectKeys.runPrefix(runId) + RECORD_FILE;
    }

    /** The run's latest cancel request ({@link CancelMarker}). */
    public static String cancelMarker(String runId) {
        return ObjectKeys.runPrefix(runId) + CANCEL_FILE;
    }

    public static String lastCheckpoint(String runId) {
        return ObjectKeys.lastCheckpoint(runId);
    }

    public static String bestCheckpoint(String runId) {
        return ObjectKeys.bestCheckpoint(runId);
    }
}
