package io.softcifar.contracts.events;

/**
 * A run could not be evaluated (missing checkpoint, dataset gone, engine error).
 *
 * @param runId  the run
 * @param reason one line a user can act on
 */
public record EvaluationFailed(String runId, String reason) implements Event, RunEvent {
    public static final String TYPE = "evaluation.failed";
}
