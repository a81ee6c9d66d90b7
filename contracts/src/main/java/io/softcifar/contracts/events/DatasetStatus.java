package io.softcifar.contracts.events;

/** Lifecycle of a dataset on the compacted dataset-state topic. */
public enum DatasetStatus {
    IMPORTING,
    READY,
    FAILED
}
