package io.softcifar.results.service;

import io.softcifar.contracts.events.RunStatus;

/**
 * Where a run of a study stands: the trainer's {@link RunStatus}, plus {@link #PENDING} for a run whose training
 * request has not been published yet (its study waits for the dataset).
 */
public enum RunPhase {
    PENDING,
    REQUESTED,
    RUNNING,
    FINISHED,
    FAILED,
    CANCELLED;

    public static RunPhase of(RunStatus status) {
        return valueOf(status.name());
    }

    public boolean isTerminal() {
        return this == FINISHED || this == FAILED || this == CANCELLED;
    }

    /** A retry re-publishes exactly these. */
    public boolean isRetryable() {
        return this == FAILED || this == CANCELLED;
    }
}
