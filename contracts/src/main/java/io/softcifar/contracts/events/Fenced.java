package io.softcifar.contracts.events;

import io.softcifar.contracts.Nullable;

/**
 * An event that only the holder of a run's lease publishes (trainer-service: progress, state, checkpoints and the
 * terminal events), stamped with the lease's fencing token. A new lease of a run gets the previous lease's token + 1,
 * a renewal keeps it. S3, where the lease lives, has no compare-and-set, so a replica that lost its lease without
 * noticing (paused, partitioned) may still publish; the readers drop its events by {@link FencingTokens#isStale}.
 *
 * <p>The token is {@code null} in events of producers from before fencing, and in events published outside a lease;
 * it then counts as 0.
 */
public interface Fenced {

    /** The run the event belongs to. */
    String runId();

    /** The publishing lease's token; null when the event was published without one. */
    @Nullable
    Long fencingToken();

    /** The same event stamped with {@code token}. */
    Event withFencingToken(long token);
}
