package io.softcifar.contracts.events;

/** Lifecycle of a run. */
public enum RunStatus {
    REQUESTED,
    RUNNING,
    FINISHED,
    FAILED,
    CANCELLED;

    /** A run in a terminal status never changes again. */
    public boolean isTerminal() {
        return this == FINISHED || this == FAILED || this == CANCELLED;
    }
}
