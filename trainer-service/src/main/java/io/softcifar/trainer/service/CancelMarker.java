package io.softcifar.trainer.service;

import io.softcifar.contracts.Nullable;
import java.time.Instant;

/**
 * The latest cancel request for a run, stored as {@code runs/{runId}/cancel.json} by every trainer replica that sees
 * the request. It makes a cancel stick to runs that were not training when it arrived: a training request published
 * before the cancel (a queued run of a cancelled study, or an old request redelivered) ends the run as cancelled
 * instead of training it; a request published after it (a retry) trains as usual.
 *
 * @param runId       the run
 * @param requestedAt when the cancel was requested (the time of its event)
 * @param reason      the reason given, if any
 */
public record CancelMarker(
        String runId, Instant requestedAt, @Nullable String reason) {

    /** True if this cancel came at or after a training request made at {@code requestTime} (unknown: false). */
    public boolean supersedes(@Nullable Instant requestTime) {
        return requestTime != null && requestedAt != null && !requestedAt.isBefore(requestTime);
    }
}
