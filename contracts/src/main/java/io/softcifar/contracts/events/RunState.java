package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;
import java.time.Instant;
import java.util.Map;

/**
 * Where a live run stands, on the compacted training-state topic (key: run id). The trainer publishes it for
 * {@link RunStatus#REQUESTED} (accepted, queued) and {@link RunStatus#RUNNING} (after each epoch). A run ends with
 * exactly one terminal event instead — {@link TrainingFinished}, {@link TrainingFailed} or {@link TrainingCancelled},
 * which carry the result — and nothing after it, so compaction keeps the result. {@link #statusOf} reads all four.
 *
 * @param runId     the run
 * @param status    its status
 * @param epoch     epochs completed (0 before the first)
 * @param updatedAt when the status was last confirmed
 * @param reason    free text, e.g. "resumed after restart at epoch 12"
 * @param fencingToken the publishing lease's fencing token ({@link Fenced}); absent in older events
 */
public record RunState(
        String runId,
        RunStatus status,
        int epoch,
        Instant updatedAt,
        @Nullable String reason,
        @Nullable Long fencingToken)
        implements Event, RunEvent, Fenced {
    public static final String TYPE = "training.state";

    /** The events on the training-state topic that stand for a status by their type alone. */
    private static final Map<Class<? extends Event>, RunStatus> BY_TYPE = Map.of(
            TrainingFinished.class, RunStatus.FINISHED,
            TrainingFailed.class, RunStatus.FAILED,
            TrainingCancelled.class, RunStatus.CANCELLED);

    /** The status an event on the training-state topic stands for; null for events that carry none. */
    public static @Nullable RunStatus statusOf(Event event) {
        return event instanceof RunState state ? state.status() : BY_TYPE.get(event.getClass());
    }

    public RunState(String runId, RunStatus status, int epoch, Instant updatedAt, @Nullable String reason) {
        this(runId, status, epoch, updatedAt, reason, null);
    }

    @Override
    public RunState withFencingToken(long token) {
        return new RunState(runId, status, epoch, updatedAt, reason, token);
    }
}
