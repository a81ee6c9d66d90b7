package io.softcifar.contracts.events;

/**
 * The payload of an {@link EventEnvelope}. Sealed so that the set of event types is closed and known in one place:
 * every permitted record declares its wire name in a {@code public static final String TYPE}, and
 * {@link EventTypes} builds the type registry of the codec from this list. Adding an event = adding a record here,
 * a golden file in the tests, and the topic that carries it in {@code Topics}.
 */
public sealed interface Event
        permits DatasetRequested,
                DatasetState,
                DatasetReady,
                DatasetFailed,
                TrainingRequested,
                RunState,
                TrainingProgress,
                CheckpointPublished,
                TrainingFinished,
                TrainingFailed,
                TrainingCancelRequested,
                TrainingCancelled,
                EvaluationCompleted,
                EvaluationFailed,
                StudySubmitted {}
